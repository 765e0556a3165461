package org.ddpm4j.bench.unet;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.nn.UNetConfig;

/**
 * One U-Net benchmark case of the PyTorch peer's: a training step (forward, backward, Adam) or the no-grad sampling
 * forward, of one of two networks. {@link #SMALL} is the small grayscale U-Net at base channels 64 and 32, whose
 * training steps at batch 32 and 64 and sampling forward at 64 the engine's targets are set on. {@link #CIFAR10} is
 * DDPM's CIFAR-10 network (ch 128, four levels, 35.7 M parameters), the model of the published weights: a training
 * step at batch 32 and a sampling forward at 64.
 *
 * @param name     as the script prints it, e.g. {@code ch64 train B32} or {@code cifar10 train B32}
 * @param mode     {@code train-step} or {@code fwd(no_grad)}
 * @param model    {@link #SMALL} or {@link #CIFAR10}
 * @param channels the base channel count
 */
public record UNetCase(String name, String mode, String model, int channels, int batch) {
    /** The small grayscale U-Net, {@code UNetConfig.smallGrayscale()} at a base channel count. */
    public static final String SMALL = "small";
    /** DDPM's CIFAR-10 network, {@code UNetConfig.cifar10()}. */
    public static final String CIFAR10 = "cifar10";
    private static final String TRAIN = "train-step", SAMPLE = "fwd(no_grad)";

    /** Every case of both networks. */
    public static List<UNetCase> all() {
        List<UNetCase> cases = new ArrayList<>(of(SMALL));
        cases.addAll(of(CIFAR10));
        return cases;
    }

    /** The cases of one network, {@link #SMALL} or {@link #CIFAR10}. */
    public static List<UNetCase> of(String model) {
        List<UNetCase> cases = new ArrayList<>();
        switch (model) {
            case SMALL -> {
                for (int ch : new int[] {64, 32}) {
                    for (int b : new int[] {32, 64}) {
                        cases.add(training(ch, b));
                    }
                    cases.add(sampling(ch, 64));
                }
            }
            case CIFAR10 -> {
                cases.add(cifar10(true, 32));
                cases.add(cifar10(false, 64));
            }
            default -> throw new IllegalArgumentException("no U-Net model '" + model + "' (expected " + SMALL
                    + " or " + CIFAR10 + ")");
        }
        return cases;
    }

    /** A training step of the small U-Net at base channels {@code channels} and batch {@code batch}. */
    public static UNetCase training(int channels, int batch) {
        return new UNetCase("ch" + channels + " train B" + batch, TRAIN, SMALL, channels, batch);
    }

    /** The no-grad sampling forward of the small U-Net at base channels {@code channels} and batch {@code batch}. */
    public static UNetCase sampling(int channels, int batch) {
        return new UNetCase("ch" + channels + " sample-fwd B" + batch, SAMPLE, SMALL, channels, batch);
    }

    /** A training step (or the no-grad sampling forward) of DDPM's CIFAR-10 network at batch {@code batch}. */
    public static UNetCase cifar10(boolean training, int batch) {
        return new UNetCase(CIFAR10 + (training ? " train B" : " sample-fwd B") + batch, training ? TRAIN : SAMPLE,
                CIFAR10, UNetConfig.cifar10().channels(), batch);
    }

    public static UNetCase byKey(String key) {
        return all().stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no U-Net case '" + key + "'"));
    }

    public String key() {
        return "unet|" + name + "|" + mode;
    }

    public boolean training() {
        return mode.equals(TRAIN);
    }

    /** The network this case runs. */
    public UNetConfig config() {
        return model.equals(CIFAR10) ? UNetConfig.cifar10() : UNetConfig.smallGrayscale().withChannels(channels);
    }

    /**
     * The dims the PyTorch peer's {@code unet} section builds this case from: base channels and batch, then for any
     * network but the small grayscale one its image channels and its channel multipliers (both networks have two
     * residual blocks per level and attention at 16×16).
     */
    public int[] peerDims() {
        if (model.equals(SMALL)) {
            return new int[] {channels, batch};
        }
        UNetConfig config = config();
        int[] mult = config.channelMult();
        int[] dims = new int[3 + mult.length];
        dims[0] = channels;
        dims[1] = batch;
        dims[2] = config.imageChannels();
        System.arraycopy(mult, 0, dims, 3, mult.length);
        return dims;
    }
}
