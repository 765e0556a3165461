package org.ddpm4j.bench;

import java.io.PrintStream;
import java.util.List;

/** Prints JMH records: median, minimum, throughput, allocation and each fork's median. */
public final class JmhTable {
    private JmhTable() {
    }

    public static void print(List<BenchRecord> records, PrintStream out) {
        String header = String.format("%-4s %-6s %-28s %-13s %10s %10s %10s %11s  %s", "thr", "sect", "case",
                "mode", "ours ms", "ours min", "GF/s|GB/s", "alloc MB/op", "fork medians ms");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (BenchRecord r : records) {
            Double rate = r.gflopsMed() != null ? r.gflopsMed() : r.gbsMed();
            out.printf("%-4d %-6s %-28s %-13s %10.2f %10.2f %10s %11s  %s%n", r.threads(), r.section(),
                    r.caseName(), r.mode(), r.medianMs(), r.minMs(), rate == null ? "-" : String.format("%.1f", rate),
                    r.allocBytesPerOp() == null ? "-" : String.format("%.2f", r.allocBytesPerOp() / 1e6),
                    spread(r.forkMediansMs()));
        }
    }

    private static String spread(List<Double> forkMedians) {
        StringBuilder sb = new StringBuilder();
        for (Double m : forkMedians) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%.2f", m));
        }
        return sb.toString();
    }
}
