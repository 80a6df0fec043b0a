package org.entrylog.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Summaries of repeated measurements: median and min–max, and percentiles of latencies. */
final class Stats {
    private Stats() {}

    /** Median, min and max of the repeats of one figure. */
    record Spread(double median, double min, double max, int n) {
        static Spread of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Spread(median, v[0], v[v.length - 1], v.length);
        }

        String format(String unit) {
            return fmt(median) + " " + unit + " (" + fmt(min) + "–" + fmt(max) + ", n=" + n + ")";
        }
    }

    /** The q-quantile (0..1) of sorted values, nearest rank. */
    static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static long[] sorted(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
