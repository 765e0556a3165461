package org.ddpm4j.nn;

/**
 * A model's configuration as a checkpoint stores it: a value (a record) that Jackson writes as JSON and reads back
 * into an equal value, so that restoring refuses a checkpoint of another model. {@link UNetConfig},
 * {@link MlpDenoiser.Config} and {@link ImageClassifier.Config} are the library's.
 */
public interface ModelConfig {
    /** For a model that has no configuration of its own to check (stored as {@code {}}). */
    record None() implements ModelConfig {
    }
}
