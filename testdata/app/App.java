import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntBinaryOperator;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Tiny workload for the CDS / AOT-cache test corpus (see testdata/gen-corpus.sh).
 *
 * It touches the class-file features whose archived forms the decoder has to
 * understand: records, enums (with constant bodies), sealed interfaces,
 * interface default/static methods, inner/nested/anonymous/local classes,
 * lambdas (capturing and not), every kind of method reference, indy string
 * concatenation, a few collections and a stream pipeline. Deterministic, no
 * I/O but stdout, exits 0 in well under a second.
 *
 * Usage: java -cp app.jar App [sleepSeconds]
 *   With an argument it sleeps that long after the work, so a debugger or
 *   jcmd can attach to a process that has the archive mapped.
 */
public class App {
    /** Static state, so the class has a non-trivial mirror and <clinit>. */
    static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta", "epsilon");
    static int counterTotal;

    /** Non-static inner class: captures App.this. */
    class Counter {
        private int n;
        void add(int k) { n += k; counterTotal += k; }
        int get() { return n; }
    }

    /** Static nested class with a generic field. */
    static final class Box<T> {
        final T value;
        Box(T value) { this.value = value; }
        <R> Box<R> map(Function<? super T, ? extends R> f) { return new Box<>(f.apply(value)); }
    }

    private final String prefix;

    App(String prefix) { this.prefix = prefix; }

    String tag(String s) { return prefix + ":" + s; }

    static int twice(int x) { return 2 * x; }

    public static void main(String[] args) throws Exception {
        App app = new App("app");
        long check = 0;

        // Records, sealed interface and its default + static methods.
        List<Shape> shapes = List.of(new Shape.Circle(1.5), new Shape.Rect(2, 3),
                                     new Shape.Circle(0.5), new Shape.Rect(1, 1));
        double area = 0;
        for (Shape s : shapes) {
            area += s.area();
        }
        check += Math.round(area * 1000);
        check += Shape.largest(shapes).describe().length();

        // Enum with fields, constant-specific bodies, values()/valueOf, EnumMap via streams.
        for (Op op : Op.values()) {
            check += op.apply(7, 3);
        }
        check += Op.valueOf("MUL").symbol.hashCode();

        // Lambdas: non-capturing, capturing, and method references of every kind.
        IntBinaryOperator add = (a, b) -> a + b;                 // non-capturing lambda
        int base = args.length + 10;
        Function<Integer, Integer> addBase = x -> x + base;      // capturing lambda
        Function<Integer, Integer> dbl = App::twice;             // static method ref
        Function<String, String> tagger = app::tag;              // bound instance method ref
        Function<String, Integer> len = String::length;          // unbound instance method ref
        Supplier<ArrayList<String>> mk = ArrayList::new;         // constructor ref
        Function<Integer, int[]> arr = int[]::new;               // array constructor ref
        BiFunction<Double, Double, Shape.Rect> rect = Shape.Rect::new;
        check += add.applyAsInt(1, 2) + addBase.apply(5) + dbl.apply(21)
               + len.apply(tagger.apply("x")) + arr.apply(4).length
               + Math.round(rect.apply(2.0, 4.0).area());
        ArrayList<String> made = mk.get();
        made.add("made");

        // Inner class instance and a local class and an anonymous class.
        App.Counter c = app.new Counter();
        class Local implements Greeter {
            @Override public String name() { return "local"; }
        }
        Greeter anon = new Greeter() {
            @Override public String name() { return "anon"; }
            @Override public String greet() { return "hey " + name(); }
        };
        for (Greeter g : List.of(new Local(), anon, () -> "lambda")) {
            c.add(g.greet().length());
        }
        check += c.get();

        // String concatenation through invokedynamic (javac --release 9+).
        String s = "n=" + c.get() + ", area=" + area + ", op=" + Op.SUB + ", c=" + 'x' + ", b=" + true;
        check += s.length();

        // Collections.
        Map<String, Integer> hm = new HashMap<>();
        TreeMap<String, Integer> tm = new TreeMap<>(Comparator.reverseOrder());
        Deque<Integer> dq = new ArrayDeque<>();
        for (String n : NAMES) {
            hm.merge(n.substring(0, 1), n.length(), Integer::sum);
            tm.put(n, n.length());
            dq.push(n.length());
        }
        check += hm.size() + tm.firstKey().length() + dq.pop();
        check += Set.of(1, 2, 3).size() + Map.of("k", 1).size();

        // Stream pipeline with grouping.
        Map<Integer, List<String>> byLen = NAMES.stream()
                .filter(n -> !n.isEmpty())
                .map(String::toUpperCase)
                .sorted()
                .collect(Collectors.groupingBy(String::length, TreeMap::new, Collectors.toList()));
        check += byLen.toString().length();
        check += IntStream.rangeClosed(1, 100).filter(i -> i % 3 == 0).sum();
        Optional<String> longest = NAMES.stream().max(Comparator.comparingInt(String::length));
        check += longest.map(String::length).orElse(0);

        // Generic nested class with a lambda chain.
        check += new Box<>("box").map(String::length).map(App::twice).value;

        System.out.println("App OK check=" + check + " total=" + counterTotal + " made=" + made);

        if (args.length > 0) {
            Thread.sleep((long) (Double.parseDouble(args[0]) * 1000));
        }
    }
}
