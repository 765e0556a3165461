package org.ddpm4j.tensor.simd;

import java.util.*;
import org.ddpm4j.tensor.*;

public class PwBackend {
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int n = 32, cin = 128, cout = 128, hw = Integer.parseInt(args.length > 1 ? args[1] : "16");
        Backend be = Backends.create("simd", threads);
        SplittableRandom r = new SplittableRandom(1);
        float[] xs = new float[n * cin * hw * hw]; for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
        float[] ws = new float[cout * cin]; for (int i = 0; i < ws.length; i++) ws[i] = (float) r.nextGaussian();
        Tensor x = Tensor.of(xs, n, cin, hw, hw), w = Tensor.of(ws, cout, cin, 1, 1), b = Tensor.zeros(cout), y = Tensor.zeros(n, cout, hw, hw);
        List<Double> t = new ArrayList<>();
        for (int rep = 0; rep < 400; rep++) {
            long t0 = System.nanoTime(); be.conv2d(x, w, b, Conv2dSpec.pointwise(), y); be.finish();
            if (rep >= 100) t.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(t);
        for (int q = 0; q < 10; q++) System.out.printf("%.2f ", t.get(q * t.size() / 10)); System.out.println(); System.out.printf("threads %d hw %d: min %.3f p25 %.3f median %.3f ms%n", threads, hw, t.get(0), t.get(t.size()/4), t.get(t.size()/2));
    }
}
