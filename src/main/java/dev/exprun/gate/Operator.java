package dev.exprun.gate;

/** A gate's comparison. NaN never passes, whatever the operator: a NaN metric is a broken run. */
public enum Operator {
    GE(">="), LE("<="), EQ("=="), NE("!="), GT(">"), LT("<");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean test(double actual, double threshold) {
        if (Double.isNaN(actual)) {
            return false;
        }
        return switch (this) {
            case GE -> actual >= threshold;
            case LE -> actual <= threshold;
            case EQ -> actual == threshold;
            case NE -> actual != threshold;
            case GT -> actual > threshold;
            case LT -> actual < threshold;
        };
    }
}
