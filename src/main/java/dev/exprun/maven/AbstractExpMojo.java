package dev.exprun.maven;

import dev.exprun.core.ExpException;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** Shared by every goal: exp.skip, and turning core exceptions into Maven's two kinds of failure. */
abstract class AbstractExpMojo extends AbstractMojo {

    /** Skips the goal; logs one line saying so. */
    @Parameter(property = ExpProperties.SKIP, defaultValue = "false")
    protected boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping " + goal() + " (" + ExpProperties.SKIP + "=true)");
            return;
        }
        try {
            executeGoal(new MavenExpLog(getLog()));
        } catch (ExpFailure e) {
            throw withTrace(new MojoFailureException(e.describe()), e);
        } catch (ExpException e) {
            throw withTrace(new MojoExecutionException(e.describe()), e);
        } catch (RuntimeException e) {
            // An engine or I/O error the core did not anticipate: still a BUILD ERROR with its cause, not a crash.
            throw new MojoExecutionException(goal() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Our message is the whole message: Maven appends the message of every cause in the chain that it
     * does not already contain, which would repeat an engine's raw answer ("Status 500: {...}") after
     * the explanation and the fix. The exception stays attached (suppressed) for -e and -X.
     */
    private static <T extends Exception> T withTrace(T mavenException, ExpException cause) {
        mavenException.addSuppressed(cause);
        return mavenException;
    }

    protected abstract String goal();

    protected abstract void executeGoal(ExpLog log) throws MojoExecutionException, MojoFailureException;
}
