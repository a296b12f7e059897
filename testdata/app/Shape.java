import java.util.Comparator;
import java.util.List;

/** Sealed interface implemented by records, with default and static methods. */
sealed interface Shape permits Shape.Circle, Shape.Rect {
    double area();

    default String describe() {
        return getClass().getSimpleName() + "[area=" + area() + "]";
    }

    static Shape largest(List<Shape> shapes) {
        return shapes.stream().max(Comparator.comparingDouble(Shape::area)).orElseThrow();
    }

    record Circle(double r) implements Shape {
        public Circle {
            if (r < 0) throw new IllegalArgumentException("negative radius");
        }

        @Override public double area() { return Math.PI * r * r; }
    }

    record Rect(double w, double h) implements Shape {
        @Override public double area() { return w * h; }
    }
}
