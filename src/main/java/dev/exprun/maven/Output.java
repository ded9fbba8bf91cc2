package dev.exprun.maven;

import dev.exprun.artifacts.OutputSpec;

/**
 * One {@code <output>} of the POM: {@code <pattern>checkpoints/*.pt</pattern><classifier>model</classifier>
 * <type>pt</type><optional>false</optional>}. A mutable bean because Maven configures it by setters/fields.
 */
public class Output {
    private String pattern;
    private String classifier;
    private String type;
    private boolean optional;

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    public void setClassifier(String classifier) {
        this.classifier = classifier;
    }

    public void setType(String type) {
        this.type = type;
    }

    public void setOptional(boolean optional) {
        this.optional = optional;
    }

    OutputSpec toSpec() {
        return new OutputSpec(pattern, classifier, type, optional);
    }
}
