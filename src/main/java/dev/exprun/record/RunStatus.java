package dev.exprun.record;

import com.fasterxml.jackson.annotation.JsonValue;

public enum RunStatus {
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    TIMED_OUT("timed-out"),
    INTERRUPTED("interrupted"),
    /** The build was killed (SIGKILL) while the run was in progress; a later run found it. */
    KILLED("killed");

    private final String json;

    RunStatus(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
