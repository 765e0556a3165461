package org.ddpm4j.diffusion.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Idx;
import org.ddpm4j.tensor.ScalarBackend;

/**
 * Mutates valid checkpoint and IDX files (bit flips, truncations, header edits, huge sizes) and loads each mutant.
 * Every outcome must be a load or an {@link IOException}, the loaders' documented error; anything else is printed as
 * a FAIL line and makes the exit code 1. Arguments: seed, number of mutants.
 */
public final class LoaderFuzzMain {
    /** Numbers a header edit puts in place of one in the JSON: limits, overflows, negatives, non-integers. */
    private static final String[] HOSTILE_NUMBERS = {"0", "-1", "65536", "2147483647", "2147483648",
        "4294967296", "9223372036854775807", "18446744073709551616", "1e30", "0.5", "-0", "NaN", "null", "\"7\""};
    /** IDX dimensions a size edit puts in the header. */
    private static final int[] HOSTILE_DIMS = {0, -1, 1, 65536, Integer.MAX_VALUE, 2_100_000_000, 1 << 30};

    private LoaderFuzzMain() {
    }

    public static void main(String[] args) throws IOException {
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("fuzz");
        Path ckpt = dir.resolve("base.safetensors"), idx = dir.resolve("base-idx"), gz = dir.resolve("base-idx.gz");
        HostileFiles.tinyCheckpoint(ckpt);
        HostileFiles.idx(idx, new int[] {3, 5, 4}, filled(60), false);
        HostileFiles.idx(gz, new int[] {3, 5, 4}, filled(60), true);
        byte[][] bases = {Files.readAllBytes(ckpt), Files.readAllBytes(idx), Files.readAllBytes(gz)};
        SplittableRandom rng = new SplittableRandom(seed);
        Path mutant = dir.resolve("mutant");
        int loaded = 0, refused = 0, failed = 0;
        for (int i = 0; i < count; i++) {
            int which = rng.nextInt(bases.length);
            String[] how = new String[1];
            byte[] bytes = mutate(bases[which], which == 0, rng, how);
            Files.write(mutant, bytes);
            try {
                if (which == 0) {
                    ImageModelFiles.loadForSampling(mutant, new ScalarBackend());
                } else {
                    Idx.read(mutant);
                }
                loaded++;
            } catch (IOException e) {
                refused++;
            } catch (RuntimeException | Error e) {
                failed++;
                System.out.println("FAIL mutant " + i + " of " + (which == 0 ? "checkpoint" : "idx") + " (" + how[0]
                        + "): " + e);
            }
        }
        System.out.println("mutants " + count + " loaded " + loaded + " refused " + refused + " failed " + failed);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37);
        }
        return b;
    }

    private static byte[] mutate(byte[] base, boolean safetensors, SplittableRandom rng, String[] how) {
        byte[] b = base.clone();
        int headerEnd = safetensors ? 8 + (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : 20;
        switch (rng.nextInt(5)) {
            case 0 -> {
                int flips = 1 + rng.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    // Most flips land in the header, where a bit decides sizes and names.
                    int at = rng.nextInt(4) > 0 ? rng.nextInt(Math.min(headerEnd, b.length)) : rng.nextInt(b.length);
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                }
                how[0] = flips + " bit flips";
            }
            case 1 -> {
                int len = rng.nextInt(b.length);
                b = Arrays.copyOf(b, len);
                how[0] = "truncated to " + len;
            }
            case 2 -> {
                int extra = 1 + rng.nextInt(64);
                b = Arrays.copyOf(b, b.length + extra);
                how[0] = extra + " bytes appended";
            }
            case 3 -> {
                if (safetensors) {
                    b = editHeaderNumber(b, headerEnd, rng, how);
                } else {
                    int at = 4 * (1 + rng.nextInt(3));
                    int dim = HOSTILE_DIMS[rng.nextInt(HOSTILE_DIMS.length)];
                    ByteBuffer.wrap(b, at, 4).putInt(dim);
                    how[0] = "dimension at " + at + " set to " + dim;
                }
            }
            default -> {
                if (safetensors) {
                    long len = rng.nextBoolean() ? rng.nextLong() : rng.nextInt(b.length + 16);
                    ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
                    how[0] = "header length set to " + len;
                } else {
                    b[3] = (byte) rng.nextInt(256);
                    how[0] = "magic's last byte set to " + b[3];
                }
            }
        }
        return b;
    }

    /** Replaces one number of the JSON header by a hostile one and fixes the header length, so the JSON is read. */
    private static byte[] editHeaderNumber(byte[] b, int headerEnd, SplittableRandom rng, String[] how) {
        String header = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE]-?\\d+)?").matcher(header);
        java.util.List<int[]> spans = new java.util.ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int[] s = spans.get(rng.nextInt(spans.size()));
        String number = HOSTILE_NUMBERS[rng.nextInt(HOSTILE_NUMBERS.length)];
        String edited = header.substring(0, s[0]) + number + header.substring(s[1]);
        byte[] json = edited.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + b.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(b, headerEnd, b.length - headerEnd);
        how[0] = "header number '" + header.substring(s[0], s[1]) + "' at " + s[0] + " set to " + number;
        return out.array();
    }
}
