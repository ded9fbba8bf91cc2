package dev.exprun.core;

/** The JVM's shutdown hooks, for the guards that stop a run's container or job on Ctrl-C. */
public final class ShutdownHooks {
    private ShutdownHooks() {
    }

    /** Registers action as a hook; null when the JVM is already shutting down (then nothing may start). */
    public static Thread register(Runnable action, String name) {
        Thread hook = new Thread(action, name);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Removes a hook that is no longer needed; during shutdown it runs anyway (and sees that its run is done). */
    public static void remove(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }
}
