package org.ddpm4j.bench.unet;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.ddpm4j.nn.AttnBlock;
import org.ddpm4j.nn.ForwardContext;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.AttentionGeometry;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ConvGeometry;
import org.ddpm4j.tensor.Tensor;

/**
 * Nominal forward flops of a U-Net, the way DDPM implementations count them: 2·MACs of every
 * convolution and linear layer plus the two attention matrix products (2·2·B·T²·C). A backend stand-in records the
 * ops of one batch-1 forward without computing anything. An attention block that folds its projections
 * ({@link AttnBlock#folds}) runs two of its four 1×1 convolutions: the two it skips are counted too, so that the
 * count is the network's and not the engine's.
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /** The attention products, and the 1×1 convolutions of the block that a folded block does not run. */
    static double attentionBlockFlops(AttentionGeometry g) {
        double skipped = AttnBlock.folds(g.batch(), g.positions(), g.channels())
                ? 2 * 2.0 * g.batch() * g.positions() * (double) g.channels() * g.channels() : 0;
        return g.forwardFlops() + skipped;
    }

    /** Forward GFLOP per image. */
    public static double forwardGflopPerImage(UNetConfig config) {
        return count(be -> {
            UNet net = new UNet(config, be, new java.util.SplittableRandom(0));
            net.forward(Tensor.zeros(1, config.imageChannels(), config.imageSize(), config.imageSize()),
                    new int[] {500}, null, ForwardContext.inference());
        }) / 1e9;
    }

    /**
     * The nominal flops of what {@code run} does on a backend stand-in that computes nothing. An op the interface
     * composes of others (a default method, such as a convolution with its residual added) is counted by the ops it
     * runs.
     */
    static double count(java.util.function.Consumer<Backend> run) {
        double[] flops = new double[1];
        Backend counting = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "conv2d" -> flops[0] += ConvGeometry.of("conv2d", (Tensor) args[0], (Tensor) args[1],
                                (Tensor) args[2], (Conv2dSpec) args[3], (Tensor) args[4]).forwardFlops();
                        case "linear" -> {
                            Tensor x = (Tensor) args[0], w = (Tensor) args[1];
                            flops[0] += 2.0 * x.dim(0) * w.dim(0) * w.dim(1);
                        }
                        case "attention" -> flops[0] += attentionBlockFlops(AttentionGeometry.of("attention",
                                (Tensor) args[0], (Tensor) args[1], (Tensor) args[2], (Tensor) args[3],
                                (Tensor) args[4]));
                        case "name" -> {
                            return "flop-counter";
                        }
                        case "threads" -> {
                            return 1;
                        }
                        default -> {
                            if (method.isDefault()) {
                                return InvocationHandler.invokeDefault(proxy, method, args);
                            }
                        }
                    }
                    Class<?> r = method.getReturnType();
                    return r == double.class ? 0.0 : null;
                });
        run.accept(counting);
        return flops[0];
    }
}
