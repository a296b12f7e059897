/** Enum with a field, a constructor and constant-specific class bodies. */
enum Op {
    ADD("+") {
        @Override int apply(int a, int b) { return a + b; }
    },
    SUB("-") {
        @Override int apply(int a, int b) { return a - b; }
    },
    MUL("*") {
        @Override int apply(int a, int b) { return a * b; }
    };

    final String symbol;

    Op(String symbol) { this.symbol = symbol; }

    abstract int apply(int a, int b);

    @Override public String toString() { return name().toLowerCase() + "(" + symbol + ")"; }
}
