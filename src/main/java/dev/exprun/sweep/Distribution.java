package dev.exprun.sweep;

import dev.exprun.core.ExpError;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * What a random dimension draws from. Draws use only {@link Random#nextDouble()} and {@link Random#nextInt(int)},
 * whose algorithms the JDK specifies, and {@link StrictMath}, so a seed gives the same trials on every JVM.
 */
sealed interface Distribution {
    String FIX = "use uniform(lo,hi), loguniform(lo,hi), int(lo,hi) or choice(a,b,...) in <sweep><random> or -Dexp.sweep";
    Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    Pattern WHOLE = Pattern.compile("[-+]?\\d+");
    /** Six significant digits: enough for hyper-parameters, short and stable in names and logs. */
    MathContext DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

    String draw(Random random);

    /** As written back to the user and into the record, e.g. {@code loguniform(0.0001,0.1)}. */
    String text();

    record Uniform(BigDecimal lo, BigDecimal hi) implements Distribution {
        public String draw(Random random) {
            double lo = this.lo.doubleValue();
            return compact(lo + random.nextDouble() * (hi.doubleValue() - lo));
        }

        public String text() {
            return "uniform(" + plain(lo) + "," + plain(hi) + ")";
        }
    }

    record LogUniform(BigDecimal lo, BigDecimal hi) implements Distribution {
        public String draw(Random random) {
            double lo = StrictMath.log(this.lo.doubleValue());
            double hi = StrictMath.log(this.hi.doubleValue());
            return compact(StrictMath.exp(lo + random.nextDouble() * (hi - lo)));
        }

        public String text() {
            return "loguniform(" + plain(lo) + "," + plain(hi) + ")";
        }
    }

    /** Both bounds included. */
    record IntRange(long lo, long hi) implements Distribution {
        public String draw(Random random) {
            long drawn = lo + (long) Math.floor(random.nextDouble() * ((double) hi - lo + 1));
            return Long.toString(Math.min(drawn, hi));
        }

        public String text() {
            return "int(" + lo + "," + hi + ")";
        }
    }

    record Choice(List<String> options) implements Distribution {
        public String draw(Random random) {
            return options.get(random.nextInt(options.size()));
        }

        public String text() {
            return "choice(" + String.join(",", options) + ")";
        }
    }

    /** {@code spec} is the whole call as written, {@code args} its trimmed arguments. */
    static Distribution parse(String name, String function, List<String> args, String spec) {
        String where = "'" + spec + "' of '" + name + "'";
        switch (function) {
            case "uniform", "loguniform" -> {
                arity(where, function, args, "lo,hi");
                BigDecimal lo = number(args.get(0), where, function);
                BigDecimal hi = number(args.get(1), where, function);
                ordered(lo.compareTo(hi) < 0, where, function);
                if (function.equals("uniform")) {
                    return new Uniform(lo, hi);
                }
                if (lo.signum() <= 0) {
                    throw new ExpError("The distribution " + where + " needs lo > 0: a log scale has no zero or negatives.",
                            "give a positive lower bound, e.g. loguniform(1e-5,1e-1), in <sweep><random> or -Dexp.sweep");
                }
                return new LogUniform(lo, hi);
            }
            case "int" -> {
                arity(where, function, args, "lo,hi");
                long lo = whole(args.get(0), where);
                long hi = whole(args.get(1), where);
                ordered(lo < hi, where, function);
                return new IntRange(lo, hi);
            }
            case "choice" -> {
                if (args.size() < 2) {
                    throw new ExpError("The distribution " + where + " takes at least 2 arguments, not " + args.size() + ".",
                            "write choice(a,b,...), e.g. choice(adam,sgd), in <sweep><random> or -Dexp.sweep");
                }
                if (args.contains("")) {
                    throw new ExpError("The distribution " + where + " has an empty value.",
                            "write choice(a,b,...) with a value between each pair of commas, in <sweep><random> or -Dexp.sweep");
                }
                return new Choice(List.copyOf(args));
            }
            default -> throw new ExpError("The sweep dimension '" + name + "=" + spec + "' uses the unknown distribution '"
                    + function + "'.", FIX);
        }
    }

    private static void arity(String where, String function, List<String> args, String params) {
        if (args.size() != 2) {
            throw new ExpError("The distribution " + where + " takes 2 arguments (" + params + "), not " + args.size() + ".",
                    "write " + function + "(" + params + "), e.g. " + function + "(" + example(function)
                            + "), in <sweep><random> or -Dexp.sweep");
        }
    }

    private static void ordered(boolean ordered, String where, String function) {
        if (!ordered) {
            throw new ExpError("The distribution " + where + " has lo >= hi.",
                    "write the smaller bound first, e.g. " + function + "(" + example(function)
                            + "), in <sweep><random> or -Dexp.sweep");
        }
    }

    private static BigDecimal number(String arg, String where, String function) {
        if (NUMBER.matcher(arg).matches()) {
            BigDecimal value = new BigDecimal(arg);
            if (Double.isFinite(value.doubleValue())) {
                return value;
            }
        }
        throw new ExpError("The bound '" + arg + "' in " + where + " is not a number.",
                "write " + function + "(lo,hi) with numbers, e.g. " + function + "(" + example(function)
                        + "), in <sweep><random> or -Dexp.sweep");
    }

    private static long whole(String arg, String where) {
        try {
            if (WHOLE.matcher(arg).matches()) {
                return Long.parseLong(arg);
            }
        } catch (NumberFormatException tooLarge) {
            // falls through to the same refusal: no one means a bound past 2^63
        }
        throw new ExpError("The bound '" + arg + "' in " + where + " is not a whole number.",
                "write int(lo,hi) with whole numbers, e.g. int(32,256), in <sweep><random> or -Dexp.sweep");
    }

    private static String example(String function) {
        return switch (function) {
            case "loguniform" -> "1e-5,1e-1";
            case "int" -> "32,256";
            default -> "0,1";
        };
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    static String compact(double value) {
        return plain(new BigDecimal(value).round(DIGITS));
    }
}
