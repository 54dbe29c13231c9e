package dev.o2c.reports;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** The report read models in memory: for servers without Cassandra (route tests). Same behaviour as the Cassandra store. */
public final class InMemoryReportStore implements ReportStore {

  private record Stored(long seqNr, LocalDate day, Totals totals, Totals dayStart, Map<String, Book.Invoice> invoices) {}

  private final Map<String, Stored> books = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<LocalDate, Totals>> history = new ConcurrentHashMap<>();
  private final Map<String, Totals> flows = new ConcurrentHashMap<>();
  private final Map<String, Lag> lags = new ConcurrentHashMap<>();

  private static String key(String tenantId, String customerId) {
    return tenantId + "\u0000" + customerId;
  }

  @Override
  public synchronized CompletionStage<Book> load(String tenantId, String customerId, Set<String> invoiceIds) {
    Stored s = books.get(key(tenantId, customerId));
    if (s == null) {
      return CompletableFuture.completedFuture(Book.empty());
    }
    Map<String, Book.Invoice> some = new TreeMap<>();
    invoiceIds.forEach(id -> {
      if (s.invoices().containsKey(id)) {
        some.put(id, s.invoices().get(id));
      }
    });
    return CompletableFuture.completedFuture(new Book(s.seqNr(), s.day(), s.totals().copy(), s.dayStart().copy(), some));
  }

  @Override
  public synchronized CompletionStage<Done> save(String tenantId, String customerId, Book book) {
    String k = key(tenantId, customerId);
    Stored before = books.get(k);
    Map<String, Book.Invoice> invoices = new TreeMap<>(before == null ? Map.of() : before.invoices());
    book.changedInvoices().forEach(i -> invoices.put(i.invoiceId(), i));
    books.put(k, new Stored(book.seqNr(), book.day(), book.totals(), book.dayStart(), invoices));
    if (book.day() != null) {
      history.computeIfAbsent(k, x -> new TreeMap<>()).put(book.day(), book.totals());
      flows.put(k + "\u0000" + book.day(), book.today());
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<CustomerTotals>> customers(String tenantId) {
    return CompletableFuture.completedFuture(current(tenantId).stream()
        .map(c -> new CustomerTotals(c.customerId(), c.day(), c.totals().withoutOpen())).toList());
  }

  @Override
  public CompletionStage<List<OpenLine>> open(String tenantId, String customerId, boolean byIssue) {
    return CompletableFuture.completedFuture(current(tenantId).stream().filter(c -> customerId == null || customerId.equals(c.customerId()))
        .map(c -> OpenLine.of(c, byIssue)).toList());
  }

  /** Every customer's whole totals now (copies), by customer id. */
  private synchronized List<CustomerTotals> current(String tenantId) {
    List<CustomerTotals> out = new ArrayList<>();
    books.forEach((k, s) -> {
      String[] parts = k.split("\u0000");
      if (parts[0].equals(tenantId) && s.day() != null) {
        out.add(new CustomerTotals(parts[1], s.day(), s.totals().copy()));
      }
    });
    out.sort(Comparator.comparing(CustomerTotals::customerId));
    return out;
  }

  @Override
  public synchronized CompletionStage<Optional<CustomerTotals>> asOf(String tenantId, String customerId, LocalDate day) {
    TreeMap<LocalDate, Totals> days = history.get(key(tenantId, customerId));
    var e = days == null ? null : days.floorEntry(day);
    return CompletableFuture.completedFuture(e == null ? Optional.empty() : Optional.of(new CustomerTotals(customerId, e.getKey(), e.getValue())));
  }

  @Override
  public synchronized CompletionStage<List<DayFlows>> days(String tenantId, LocalDate from, LocalDate to) {
    List<DayFlows> out = new ArrayList<>();
    flows.forEach((k, t) -> {
      String[] parts = k.split("\u0000");
      LocalDate day = LocalDate.parse(parts[2]);
      if (parts[0].equals(tenantId) && !day.isBefore(from) && !day.isAfter(to)) {
        out.add(new DayFlows(day, parts[1], t));
      }
    });
    out.sort(Comparator.comparing(DayFlows::day).thenComparing(DayFlows::customerId));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletionStage<InvoiceRow.Page> invoices(String tenantId, InvoiceRow.Query query, LocalDate from, LocalDate to,
      String pageToken, int limit, int maxScan) {
    ListCursor at = pageToken == null ? ListCursor.before(to.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)) : ListCursor.open(pageToken);
    List<InvoiceRow> all = new ArrayList<>();
    books.forEach((k, s) -> {
      String[] parts = k.split("\u0000");
      if (parts[0].equals(tenantId)) {
        s.invoices().values().forEach(i -> all.add(InvoiceRow.of(parts[1], i)));
      }
    });
    all.sort(Comparator.comparing(InvoiceRow::issuedOn).reversed().thenComparing(InvoiceRow::invoiceId));
    List<InvoiceRow> found = new ArrayList<>();
    int scanned = 0;
    for (InvoiceRow r : all) {
      if (!at.isAfter(r.issuedAt(), r.invoiceId()) || r.issuedOn().isBefore(from)) {
        continue;
      }
      scanned++;
      if (query.matches(r)) {
        found.add(r);
      }
      if (found.size() >= limit || scanned >= maxScan) {
        return CompletableFuture.completedFuture(new InvoiceRow.Page(found, new ListCursor(r.issuedAt(), r.invoiceId()).token()));
      }
    }
    return CompletableFuture.completedFuture(new InvoiceRow.Page(found, null));
  }

  @Override
  public CompletionStage<Done> saveLag(Lag lag) {
    lags.put(lag.projection() + "/" + lag.instance(), lag);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Lag>> lags() {
    return CompletableFuture.completedFuture(lags.values().stream().sorted(Comparator.comparing(Lag::instance)).toList());
  }

  @Override
  public synchronized CompletionStage<Done> deleteTenant(String tenantId) {
    String prefix = tenantId + "\u0000";
    books.keySet().removeIf(k -> k.startsWith(prefix));
    history.keySet().removeIf(k -> k.startsWith(prefix));
    flows.keySet().removeIf(k -> k.startsWith(prefix));
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
