package dev.jbox.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" for misspelt names: the known names nearest by edit distance. */
public final class Suggest {
    private Suggest() {
    }

    /** Up to three known names within a small edit distance, nearest first. */
    public static List<String> nearest(String wrong, Collection<String> known) {
        int limit = Math.max(2, wrong.length() / 3);
        record Scored(String name, int d) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String k : known) {
            int d = distance(wrong, k);
            if (d <= limit) {
                scored.add(new Scored(k, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::d).thenComparing(Scored::name));
        return scored.stream().limit(3).map(Scored::name).toList();
    }

    /** " (did you mean a, b?)" or "" when nothing is near. */
    public static String hint(String wrong, Collection<String> known) {
        List<String> n = nearest(wrong, known);
        return n.isEmpty() ? "" : " (did you mean " + String.join(", ", n) + "?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
