package dev.o2c.payment;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cash application: how a payment is spread over a customer's open invoices, by the rules of
 * docs/payments.md, in order — REFERENCE, EXACT_AMOUNT, EXACT_SUM, OLDEST_FIRST, TOLERANCE, and
 * what is left UNAPPLIED. Plain Java, no side effects, deterministic: the same invoices and
 * payment always give the same allocations. Amounts are handled as whole minor units.
 */
public final class Matching {

  /** Candidates for sets of 3 to 5 in EXACT_SUM: the invoices due first. */
  static final int SET_CANDIDATES = 64;

  /** EXACT_SUM gives up (and does not apply) after this many search steps. */
  static final int SEARCH_BUDGET = 250_000;

  /** Splits remittance text: whitespace, punctuation and symbols, but not '-' and '_'. */
  private static final Pattern SEPARATORS = Pattern.compile("[[\\s\\p{P}\\p{S}]&&[^\\-_]]+");

  /** An open invoice as matching sees it; {@code balance} > 0, in {@code currency}. */
  public record OpenInvoice(
      String invoiceId, String invoiceNumber, String orderId, String externalReference, BigDecimal total, BigDecimal balance,
      LocalDate dueOn, LocalDate issuedOn) {}

  /** The tenant's tolerance for short payments; null values mean not configured. */
  public record Tolerance(BigDecimal absolute, BigDecimal percent) {
    public static final Tolerance NONE = new Tolerance(null, null);
  }

  /** What the matching made: allocations and write-offs in the order made, and what is left. */
  public record Result(List<Allocation> allocations, List<WriteOff> writeOffs, BigDecimal unapplied) {}

  /** The order of invoices for ties and OLDEST_FIRST: due date, then issue date, then number. */
  public static final Comparator<OpenInvoice> OLDEST =
      Comparator.comparing(OpenInvoice::dueOn).thenComparing(OpenInvoice::issuedOn).thenComparing(OpenInvoice::invoiceNumber);

  private Matching() {}

  /**
   * Spreads {@code amount} (at the currency's {@code scale}) over {@code invoices}, all open and
   * in the payment's currency, by the rules in order.
   */
  public static Result match(
      Collection<OpenInvoice> invoices, BigDecimal amount, int scale, String remittanceInfo, String bankReference, Tolerance tolerance) {
    List<Work> open = new ArrayList<>(invoices.size());
    for (OpenInvoice invoice : invoices) {
      if (invoice.balance().signum() > 0) {
        open.add(new Work(invoice, units(invoice.balance(), scale)));
      }
    }
    // The OLDEST order on primitive day numbers (the profile showed the generic comparator chain as
    // the largest cost with thousands of invoices).
    open.sort(Matching::oldestFirst);
    long remaining = units(amount, scale);
    List<Allocation> allocations = new ArrayList<>();
    Map<String, Work> selected = new LinkedHashMap<>();

    // 1. REFERENCE: tokens of the remittance text, then of the bank reference, in order.
    List<String> tokens = tokens(remittanceInfo, bankReference);
    Map<String, List<Work>> byToken = tokens.isEmpty() ? Map.of() : referenced(open, tokens);
    for (String token : tokens) {
      for (Work w : byToken.getOrDefault(token.toLowerCase(Locale.ROOT), List.of())) {
        if (remaining == 0) {
          break;
        }
        if (w.balance > 0 && !selected.containsKey(w.invoice.invoiceId())) {
          long paid = Math.min(remaining, w.balance);
          allocations.add(allocate(w, paid, scale, Rule.REFERENCE, token));
          remaining -= paid;
          selected.put(w.invoice.invoiceId(), w);
        }
      }
    }

    // 2. EXACT_AMOUNT: the one invoice (due first) whose balance is what remains.
    if (remaining > 0) {
      for (Work w : open) {
        if (w.balance == remaining) {
          allocations.add(allocate(w, remaining, scale, Rule.EXACT_AMOUNT, null));
          selected.put(w.invoice.invoiceId(), w);
          remaining = 0;
          break;
        }
      }
    }

    // 3. EXACT_SUM: the smallest set of 2 to 5 invoices whose balances make exactly what remains.
    if (remaining > 0) {
      List<Work> set = exactSum(open, remaining);
      if (set != null) {
        for (Work w : set) {
          allocations.add(allocate(w, w.balance, scale, Rule.EXACT_SUM, null));
          selected.put(w.invoice.invoiceId(), w);
        }
        remaining = 0;
      }
    }

    // 4. OLDEST_FIRST: the rest, to invoices by due date.
    for (Work w : open) {
      if (remaining == 0) {
        break;
      }
      if (w.balance > 0) {
        long paid = Math.min(remaining, w.balance);
        allocations.add(allocate(w, paid, scale, Rule.OLDEST_FIRST, null));
        remaining -= paid;
      }
    }

    // 5. TOLERANCE: a small balance left on an invoice this payment chose by reference or amount.
    List<WriteOff> writeOffs = new ArrayList<>();
    for (Work w : selected.values()) {
      if (w.balance > 0 && withinTolerance(w, scale, tolerance)) {
        writeOffs.add(new WriteOff(w.invoice.invoiceId(), w.invoice.invoiceNumber(), amount(w.balance, scale), Rule.TOLERANCE));
        w.balance = 0;
      }
    }
    // Each invoice has at most one allocation: REFERENCE leaves one partly paid only when the payment is spent.
    return new Result(allocations, writeOffs, amount(remaining, scale));
  }

  /** The tokens of remittance text and bank reference, as written, in order of appearance. */
  public static List<String> tokens(String remittanceInfo, String bankReference) {
    List<String> tokens = new ArrayList<>();
    for (String text : new String[] {remittanceInfo, bankReference}) {
      if (text != null) {
        for (String token : SEPARATORS.split(text)) {
          if (!token.isEmpty()) {
            tokens.add(token);
          }
        }
      }
    }
    return tokens;
  }

  /**
   * The invoices each token (lower case) names by number, order id or order reference, in the
   * OLDEST order. Only fields as long as some token are compared: no index of every invoice is
   * built for one payment.
   */
  private static Map<String, List<Work>> referenced(List<Work> open, List<String> tokens) {
    Map<String, String> byLowerCase = new HashMap<>();
    java.util.BitSet lengths = new java.util.BitSet();
    for (String token : tokens) {
      byLowerCase.putIfAbsent(token.toLowerCase(Locale.ROOT), token);
      lengths.set(token.length());
    }
    Map<String, List<Work>> found = new HashMap<>();
    for (Work w : open) {
      for (String field : new String[] {w.invoice.invoiceNumber(), w.invoice.orderId(), w.invoice.externalReference()}) {
        if (field != null && lengths.get(field.length())) {
          String key = field.toLowerCase(Locale.ROOT);
          if (byLowerCase.containsKey(key)) {
            List<Work> list = found.computeIfAbsent(key, k -> new ArrayList<>());
            if (!list.contains(w)) {
              list.add(w);
            }
          }
        }
      }
    }
    return found;
  }

  private static int oldestFirst(Work a, Work b) {
    int c = Long.compare(a.due, b.due);
    if (c == 0) {
      c = Long.compare(a.issued, b.issued);
    }
    return c != 0 ? c : a.invoice.invoiceNumber().compareTo(b.invoice.invoiceNumber());
  }

  private static boolean withinTolerance(Work w, int scale, Tolerance tolerance) {
    if (tolerance.absolute() == null || amount(w.balance, scale).compareTo(tolerance.absolute()) > 0) {
      return false;
    }
    return tolerance.percent() == null
        || amount(w.balance, scale).multiply(BigDecimal.valueOf(100)).compareTo(w.invoice.total().multiply(tolerance.percent())) <= 0;
  }

  /**
   * Among the invoices something is still owed on (not those REFERENCE settled): pairs among all
   * of them (a hash of complements), then sets of 3 to 5 among the {@link #SET_CANDIDATES} due first (a depth-first search in due order, pruned by what the
   * rest can still add, within {@link #SEARCH_BUDGET} steps). The first set found is the one due
   * earliest: fewer invoices first, then the oldest due dates.
   */
  private static List<Work> exactSum(List<Work> open, long target) {
    // Pairs: the first invoice (in due order) that has a partner due after it, with its first partner.
    Map<Long, List<Integer>> byBalance = new HashMap<>();
    for (int i = 0; i < open.size(); i++) {
      if (open.get(i).balance > 0) {
        byBalance.computeIfAbsent(open.get(i).balance, b -> new ArrayList<>()).add(i);
      }
    }
    for (int i = 0; i < open.size(); i++) {
      long need = target - open.get(i).balance;
      if (open.get(i).balance <= 0 || need <= 0) {
        continue;
      }
      List<Integer> partners = byBalance.get(need);
      if (partners != null) {
        int at = java.util.Collections.binarySearch(partners, i + 1);
        int first = at >= 0 ? at : -at - 1;
        if (first < partners.size()) {
          return List.of(open.get(i), open.get(partners.get(first)));
        }
      }
    }
    List<Work> candidates = new ArrayList<>();
    for (Work w : open) {
      if (w.balance > 0 && w.balance < target) {
        candidates.add(w);
        if (candidates.size() == SET_CANDIDATES) {
          break;
        }
      }
    }
    long[] balances = candidates.stream().mapToLong(w -> w.balance).toArray();
    Search search = new Search(balances);
    for (int size = 3; size <= 5 && size <= balances.length; size++) {
      int[] picked = new int[size];
      if (search.find(0, 0, size, target, picked)) {
        List<Work> set = new ArrayList<>(size);
        for (int index : picked) {
          set.add(candidates.get(index));
        }
        return set;
      }
      if (search.exhausted()) {
        return null;
      }
    }
    return null;
  }

  /** A depth-first search for {@code size} balances summing to a target, in index order, with a step budget. */
  private static final class Search {
    private final long[] balances;
    /** suffixSorted[i]: the balances from index i on, ascending (for bounds on what r more picks can add). */
    private final long[][] suffixSorted;
    private int steps;

    Search(long[] balances) {
      this.balances = balances;
      this.suffixSorted = new long[balances.length + 1][];
      for (int i = 0; i <= balances.length; i++) {
        suffixSorted[i] = Arrays.copyOfRange(balances, i, balances.length);
        Arrays.sort(suffixSorted[i]);
      }
    }

    boolean exhausted() {
      return steps >= SEARCH_BUDGET;
    }

    boolean find(int from, int depth, int size, long left, int[] picked) {
      if (depth == size) {
        return left == 0;
      }
      int need = size - depth;
      for (int i = from; i <= balances.length - need; i++) {
        if (++steps >= SEARCH_BUDGET) {
          return false;
        }
        long[] rest = suffixSorted[i];
        if (!reachable(rest, need, left)) {
          continue;
        }
        long b = balances[i];
        if (b > left) {
          continue;
        }
        picked[depth] = i;
        if (find(i + 1, depth + 1, size, left - b, picked)) {
          return true;
        }
        if (exhausted()) {
          return false;
        }
      }
      return false;
    }

    /** Whether {@code need} of these balances can sum to {@code left}: between the smallest and the largest such sums. */
    private static boolean reachable(long[] sorted, int need, long left) {
      if (sorted.length < need) {
        return false;
      }
      long min = 0;
      long max = 0;
      for (int k = 0; k < need; k++) {
        min += sorted[k];
        max += sorted[sorted.length - 1 - k];
      }
      return left >= min && left <= max;
    }
  }

  private static Allocation allocate(Work w, long paid, int scale, Rule rule, String token) {
    w.balance -= paid;
    return new Allocation(w.invoice.invoiceId(), w.invoice.invoiceNumber(), amount(paid, scale), rule, token);
  }

  static long units(BigDecimal amount, int scale) {
    return amount.setScale(scale, java.math.RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
  }

  static BigDecimal amount(long units, int scale) {
    return BigDecimal.valueOf(units, scale);
  }

  /** An invoice during matching, with its balance as it stands after the rules so far. */
  private static final class Work {
    final OpenInvoice invoice;
    final long due;
    final long issued;
    long balance;

    Work(OpenInvoice invoice, long balance) {
      this.invoice = invoice;
      this.due = invoice.dueOn().toEpochDay();
      this.issued = invoice.issuedOn().toEpochDay();
      this.balance = balance;
    }
  }
}
