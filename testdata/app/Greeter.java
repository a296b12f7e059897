/** Interface with a default method; also used as a lambda target (single abstract method). */
@FunctionalInterface
interface Greeter {
    String name();

    default String greet() {
        return "hello " + name();
    }
}
