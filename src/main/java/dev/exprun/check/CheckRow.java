package dev.exprun.check;

/** One row of exp:check-env's table. A required row that fails fails the build. */
public record CheckRow(String check, Verdict verdict, String detail, String fix, boolean required) {
    public enum Verdict { OK, WARN, FAIL, SKIPPED }

    public boolean failsTheBuild() {
        return required && verdict == Verdict.FAIL;
    }
}
