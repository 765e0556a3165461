package org.ddpm4j.bench.unet;

import java.lang.reflect.Proxy;
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
 * ops of one batch-1 forward without computing anything.
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /** Forward GFLOP per image. */
    public static double forwardGflopPerImage(UNetConfig config) {
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
                        case "attention" -> flops[0] += AttentionGeometry.of("attention", (Tensor) args[0],
                                (Tensor) args[1], (Tensor) args[2]).forwardFlops();
                        case "name" -> {
                            return "flop-counter";
                        }
                        case "threads" -> {
                            return 1;
                        }
                        default -> {
                        }
                    }
                    Class<?> r = method.getReturnType();
                    return r == double.class ? 0.0 : null;
                });
        UNet net = new UNet(config, counting, new java.util.SplittableRandom(0));
        net.forward(Tensor.zeros(1, config.imageChannels(), config.imageSize(), config.imageSize()), new int[] {500},
                null, ForwardContext.inference());
        return flops[0] / 1e9;
    }
}
