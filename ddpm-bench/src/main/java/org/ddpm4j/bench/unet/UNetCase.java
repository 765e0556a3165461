package org.ddpm4j.bench.unet;

import java.util.ArrayList;
import java.util.List;

/**
 * One U-Net benchmark case of the PyTorch peer's {@code unet} section: a training step (forward, backward, Adam)
 * at batch 32 and 64, or the no-grad sampling forward at batch 64, for base channels 64 and 32.
 *
 * @param name     as the script prints it, e.g. {@code ch64 train B32}
 * @param mode     {@code train-step} or {@code fwd(no_grad)}
 */
public record UNetCase(String name, String mode, int channels, int batch) {

    public static List<UNetCase> all() {
        List<UNetCase> cases = new ArrayList<>();
        for (int ch : new int[] {64, 32}) {
            for (int b : new int[] {32, 64}) {
                cases.add(training(ch, b));
            }
            cases.add(sampling(ch, 64));
        }
        return cases;
    }

    /** A training step (forward, backward, Adam) at base channels {@code channels} and batch {@code batch}. */
    public static UNetCase training(int channels, int batch) {
        return new UNetCase("ch" + channels + " train B" + batch, "train-step", channels, batch);
    }

    /** The no-grad sampling forward at base channels {@code channels} and batch {@code batch}. */
    public static UNetCase sampling(int channels, int batch) {
        return new UNetCase("ch" + channels + " sample-fwd B" + batch, "fwd(no_grad)", channels, batch);
    }

    public static UNetCase byKey(String key) {
        return all().stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no U-Net case '" + key + "'"));
    }

    public String key() {
        return "unet|" + name + "|" + mode;
    }

    public boolean training() {
        return mode.equals("train-step");
    }
}
