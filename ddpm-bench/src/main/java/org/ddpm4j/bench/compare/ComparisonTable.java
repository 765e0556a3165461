package org.ddpm4j.bench.compare;

import java.io.PrintStream;
import java.util.Locale;

/** Prints compared cases: both medians, the median ratio and its spread over the rounds. */
public final class ComparisonTable {
    private ComparisonTable() {
    }

    public static void printHeader(PrintStream out) {
        String header = String.format(Locale.ROOT, "%-4s %-6s %-28s %-14s %10s %10s %8s %15s %10s", "thr", "sect",
                "case", "mode", "ours ms", "torch ms", "ratio", "ratio min-max", "GF/s|GB/s");
        out.println(header);
        out.println("-".repeat(header.length()));
    }

    public static void printRow(ComparisonRecord r, PrintStream out) {
        Double rate = r.gflopsMed() != null ? r.gflopsMed() : r.gbsMed();
        out.printf(Locale.ROOT, "%-4d %-6s %-28s %-14s %10.2f %10.2f %7.2fx %15s %10s%n", r.threads(), r.section(),
                r.caseName(), r.mode(), r.medianMs(), r.pytorchMedianMs(), r.ratio(),
                String.format(Locale.ROOT, "%.2f-%.2f", r.ratioMin(), r.ratioMax()),
                rate == null ? "-" : String.format(Locale.ROOT, "%.1f", rate));
    }
}
