package org.ddpm4j.bench.unet;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ddpm4j.nn.UNetConfig;

/**
 * One sampling benchmark case: complete ancestral sampling (DDPM Algorithm 2) of a batch through all {@code steps}
 * of the chain with the small grayscale U-Net ({@code UNetConfig.smallGrayscale()}) at a base channel count.
 */
public record SampleCase(int channels, int batch, int steps) {
    private static final Pattern KEY = Pattern.compile("sample\\|ch(\\d+) B(\\d+)\\|ancestral (\\d+) steps");

    public SampleCase {
        if (channels < 1 || batch < 1 || steps < 1) {
            throw new IllegalArgumentException("sample case: channels, batch and steps must be >= 1, got "
                    + channels + ", " + batch + ", " + steps);
        }
    }

    /** The case a key names, as {@link #key()} writes it. */
    public static SampleCase parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a sampling case: '" + key + "'");
        }
        return new SampleCase(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    public String name() {
        return "ch" + channels + " B" + batch;
    }

    public String mode() {
        return "ancestral " + steps + " steps";
    }

    public String key() {
        return "sample|" + name() + "|" + mode();
    }

    public UNetConfig config() {
        return UNetConfig.smallGrayscale().withChannels(channels);
    }
}
