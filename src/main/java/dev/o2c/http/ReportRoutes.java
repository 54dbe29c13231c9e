package dev.o2c.http;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import dev.o2c.money.Money;
import dev.o2c.reports.ArAging;
import dev.o2c.reports.Csv;
import dev.o2c.reports.ReportRebuild;
import dev.o2c.reports.Reports;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/reports/...}: AR aging, DSO, cash flow and customer value from the report read models
 * (JSON, or CSV with {@code Accept: text/csv} or {@code ?format=csv}), each narrowed by
 * {@code customerId} and {@code currency}; the report projection's lag; and
 * {@code POST /v1/admin/reports/rebuild} (admin).
 */
public final class ReportRoutes extends ApiDirectives implements TenantRoutes {

  /** The longest period a report covers. */
  static final int MAX_DAYS = 366;

  private static final ContentType.WithCharset CSV = MediaTypes.TEXT_CSV.toContentType(HttpCharsets.UTF_8);

  private final Reports reports;
  private final Optional<ReportRebuild> rebuild;
  private final DefinitionRoutes definitions;

  public ReportRoutes(HttpSettings settings, Reports reports, Optional<ReportRebuild> rebuild, dev.o2c.reports.ReportDefinitions store) {
    super(settings);
    this.reports = reports;
    this.rebuild = rebuild;
    this.definitions = new DefinitionRoutes(settings, store, this, reports);
  }

  @Override
  public Route route(Caller caller) {
    return concat(
        pathPrefix("reports", () -> concat(
            pathPrefix("definitions", () -> definitions.route(caller)),
            get(() -> authorized(caller, Role.READ, actor -> concat(
            reportPaths(caller),
            path("lag", () -> onSuccess(() -> reports.lags(), lags -> complete(json(200, Map.of("projections", lags)))))))))),
        path("orders", () -> get(() -> authorized(caller, Role.READ, actor -> query(q -> orders(caller, q))))),
        // GET /v1/invoices?number=... is InvoiceRoutes' (one invoice by its number); without a number, the list.
        path("invoices", () -> get(() -> parameterOptional("number", number -> number.isPresent() ? reject()
            : authorized(caller, Role.READ, actor -> query(q -> invoices(caller, q)))))),
        pathPrefix("admin", () -> path(PathMatchers.segment("reports").slash("rebuild"), () -> post(() -> authorized(caller, Role.ADMIN,
            actor -> rebuild(caller))))));
  }

  /** The reports by name, each with the parameters it takes (besides {@code format}). */
  static final Map<String, List<String>> REPORTS = Map.of(
      "ar-aging", List.of("asOf", "basis", "customerId", "currency"),
      "dso", List.of("from", "to", "customerId", "currency"),
      "cash-flow", List.of("from", "to", "customerId", "currency"),
      "customer-value", List.of("top", "customerId", "currency"),
      "sales", List.of("from", "to", "by", "group", "customerId", "currency"),
      "cycle-time", List.of("from", "to", "compareTo", "customerId", "currency"),
      "automation", List.of("from", "to", "customerId", "currency"));

  private Route reportPaths(Caller caller) {
    List<Route> paths = REPORTS.keySet().stream().sorted()
        .map(name -> path(name, () -> query(q -> prepare(caller, name, q).get())))
        .toList();
    return concat(paths.get(0), paths.subList(1, paths.size()).toArray(Route[]::new));
  }

  /**
   * Reads and checks a report's parameters (a bad one throws the 400 naming it) and gives what
   * answers it: the routes of {@code GET /v1/reports/<name>}, and of a saved definition's run.
   */
  java.util.function.Supplier<Route> prepare(Caller caller, String report, Query q) {
    String tenant = caller.tenantId();
    LocalDate today = reports.today();
    List<String> takes = REPORTS.get(report);
    if (takes != null) {
      // A parameter the report does not take is refused, not ignored (a typo would silently widen the report).
      for (String name : new java.util.TreeSet<>(q.params().keySet())) {
        if (!takes.contains(name) && !name.equals("format")) {
          throw Query.invalid(name, "is not a parameter of " + report + " (it takes " + takes + " and format)");
        }
      }
    }
    switch (report) {
      case "ar-aging" -> {
        Optional<LocalDate> asOf = q.date("asOf");
        ArAging.Basis basis = q.choice("basis", ArAging.Basis.DUE, ArAging.Basis.values());
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.aging(tenant, asOf, basis, filter), ArAging.Report::csv);
      }
      case "dso" -> {
        LocalDate[] period = q.period(today.minusDays(29), today);
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.dso(tenant, period[0], period[1], filter), dev.o2c.reports.Dso.Report::csv);
      }
      case "cash-flow" -> {
        LocalDate[] period = q.period(today.minusDays(29), today.plusDays(30));
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.cashFlow(tenant, period[0], period[1], filter), dev.o2c.reports.CashFlow.Report::csv);
      }
      case "customer-value" -> {
        int top = q.number("top", 20, 1, 1000);
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.customerValue(tenant, top, filter), dev.o2c.reports.CustomerValue.Report::csv);
      }
      case "sales" -> {
        LocalDate[] period = q.period(today.minusDays(29), today);
        dev.o2c.reports.Sales.By by = q.choice("by", dev.o2c.reports.Sales.By.DAY, dev.o2c.reports.Sales.By.values());
        dev.o2c.reports.Sales.Group group = q.choice("group", dev.o2c.reports.Sales.Group.CHANNEL, dev.o2c.reports.Sales.Group.values());
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.sales(tenant, period[0], period[1], by, group, filter), dev.o2c.reports.Sales.Report::csv);
      }
      case "cycle-time" -> {
        LocalDate[] period = q.period(today.minusDays(29), today);
        String compare = q.params().getOrDefault("compareTo", "previous");
        if (!compare.equals("previous") && !compare.equals("none")) {
          throw Query.invalid("compareTo", "must be previous or none");
        }
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.cycleTime(tenant, period[0], period[1], compare.equals("previous"), filter),
            dev.o2c.reports.CycleTime.Report::csv);
      }
      case "automation" -> {
        LocalDate[] period = q.period(today.minusDays(29), today);
        Reports.Filter filter = q.filter();
        return () -> report(q, reports.automation(tenant, period[0], period[1], filter), dev.o2c.reports.Automation.Report::csv);
      }
      default -> throw Query.invalid("report", "must be one of " + REPORTS.keySet().stream().sorted().toList());
    }
  }

  /** {@code GET /v1/orders}: the tenant's orders, newest first, filtered, a page at a time. */
  private Route orders(Caller caller, Query q) {
    LocalDate[] range = q.listRange(reports.today());
    LocalDate from = range[0];
    LocalDate to = range[1];
    String status = q.params().get("status");
    if (status != null && java.util.Arrays.stream(dev.o2c.order.OrderStatus.values()).noneMatch(v -> v.name().equals(status))) {
      throw Query.invalid("status", "must be one of " + java.util.Arrays.toString(dev.o2c.order.OrderStatus.values()));
    }
    var query = new dev.o2c.reports.OrderReportStore.Query(status, q.params().get("customerId"), q.params().get("channel"),
        q.params().get("holdReason"), q.params().get("reviewQueue"), dev.o2c.reports.Reports.start(from), dev.o2c.reports.Reports.end(to));
    int limit = q.number("limit", 50, 1, 500);
    String token = q.params().get("pageToken");
    if (token != null && (token.isEmpty() || token.length() > 300)) {
      throw Query.invalid("pageToken", "is not a page token of this list");
    }
    return onSuccess(() -> {
      try {
        return reports.orders(caller.tenantId(), query, token, limit);
      } catch (IllegalArgumentException e) {
        throw Query.invalid("pageToken", "is not a page token of this list");
      }
    }, page -> {
      Map<String, Object> body = new java.util.LinkedHashMap<>();
      body.put("orders", page.orders());
      body.put("nextPageToken", page.next());
      return complete(json(200, body));
    });
  }

  /** {@code GET /v1/invoices}: the tenant's invoices, newest first, filtered, a page at a time. */
  private Route invoices(Caller caller, Query q) {
    LocalDate[] range = q.listRange(reports.today());
    LocalDate from = range[0];
    LocalDate to = range[1];
    String status = q.params().get("status");
    List<String> statuses = List.of("OPEN", "ISSUED", "PARTIALLY_PAID", "PAID", "VOID");
    if (status != null && !statuses.contains(status)) {
      throw Query.invalid("status", "must be one of " + statuses);
    }
    String level = q.params().get("dunningLevel");
    if (level != null && java.util.Arrays.stream(dev.o2c.invoice.DunningLevel.values()).noneMatch(v -> v.name().equals(level))) {
      throw Query.invalid("dunningLevel", "must be one of " + java.util.Arrays.toString(dev.o2c.invoice.DunningLevel.values()));
    }
    String overdue = q.params().getOrDefault("overdue", "false");
    if (!overdue.equals("true") && !overdue.equals("false")) {
      throw Query.invalid("overdue", "must be true or false");
    }
    var query = new dev.o2c.reports.InvoiceRow.Query(status, q.params().get("customerId"), overdue.equals("true"), level, reports.today());
    int limit = q.number("limit", 50, 1, 500);
    String token = q.params().get("pageToken");
    return onSuccess(() -> {
      try {
        return reports.invoices(caller.tenantId(), query, from, to, token, limit);
      } catch (IllegalArgumentException e) {
        throw Query.invalid("pageToken", "is not a page token of this list");
      }
    }, page -> {
      Map<String, Object> body = new java.util.LinkedHashMap<>();
      body.put("invoices", page.invoices());
      body.put("nextPageToken", page.next());
      return complete(json(200, body));
    });
  }

  private Route rebuild(Caller caller) {
    if (rebuild.isEmpty()) {
      return completeProblem(Problem.of(ProblemType.CONFLICT,
          "This server runs no projections (o2c.projections.enabled is off): there is no report projection to rebuild."));
    }
    return onSuccess(() -> rebuild.get().rebuild(caller.tenantId()), ids -> complete(json(202, Map.of("rebuilding", ids,
        "detail", "The reports of tenant " + caller.tenantId() + " are being made again from the journal; "
            + "GET /v1/reports/lag shows the projection catching up."))));
  }

  /** The report as JSON or CSV, as the caller asked. */
  private <T> Route report(Query q, CompletionStage<T> report, Function<T, Csv> csv) {
    return onSuccess(() -> report, r -> q.csv()
        ? complete(HttpResponse.create().withEntity(HttpEntities.create(CSV, csv.apply(r).text()))
            .addHeader(RawHeader.create("Content-Disposition", "attachment; filename=\"report.csv\"")))
        : complete(json(200, r)));
  }

  Route query(Function<Query, Route> inner) {
    return parameterMap(params -> optionalHeaderValueByName("Accept", accept -> inner.apply(new Query(params, accept.orElse("")))));
  }

  /** The query parameters of a report, each checked: a bad one is 400 naming it. */
  record Query(Map<String, String> params, String accept) {

    Query {
      params = Map.copyOf(params);
    }

    boolean csv() {
      String format = params.get("format");
      if (format != null) {
        if (!format.equals("csv") && !format.equals("json")) {
          throw invalid("format", "must be csv or json");
        }
        return format.equals("csv");
      }
      return accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    Reports.Filter filter() {
      String currency = params.get("currency");
      if (currency != null && !Money.isCurrency(currency)) {
        throw invalid("currency", "must be an ISO 4217 currency code, e.g. EUR");
      }
      String customerId = params.get("customerId");
      if (customerId != null && (customerId.isBlank() || customerId.length() > 100)) {
        throw invalid("customerId", "must be a customer id (1 to 100 characters)");
      }
      return new Reports.Filter(customerId, currency);
    }

    Optional<LocalDate> date(String name) {
      String text = params.get(name);
      if (text == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(LocalDate.parse(text));
      } catch (DateTimeParseException e) {
        throw invalid(name, "must be a date YYYY-MM-DD");
      }
    }

    LocalDate[] period(LocalDate defaultFrom, LocalDate defaultTo) {
      LocalDate from = date("from").orElse(null);
      LocalDate to = date("to").orElse(null);
      if (from == null && to == null) {
        from = defaultFrom;
        to = defaultTo;
      } else if (from == null) {
        from = to.minusDays(ChronoUnit.DAYS.between(defaultFrom, defaultTo));
      } else if (to == null) {
        to = from.plusDays(ChronoUnit.DAYS.between(defaultFrom, defaultTo));
      }
      if (to.isBefore(from)) {
        throw invalid("to", "must not be before from (" + from + ")");
      }
      if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
        throw invalid("to", "the period may cover at most " + MAX_DAYS + " days");
      }
      return new LocalDate[] {from, to};
    }

    /** A list's days: {@code to} (default today) and {@code from} (default a year before it), any length. */
    LocalDate[] listRange(LocalDate today) {
      LocalDate to = date("to").orElse(today);
      LocalDate from = date("from").orElse(to.minusDays(MAX_DAYS - 1));
      if (to.isBefore(from)) {
        throw invalid("to", "must not be before from (" + from + ")");
      }
      return new LocalDate[] {from, to};
    }

    <E extends Enum<E>> E choice(String name, E fallback, E[] values) {
      String text = params.get(name);
      if (text == null) {
        return fallback;
      }
      for (E value : values) {
        if (value.name().toLowerCase(Locale.ROOT).equals(text)) {
          return value;
        }
      }
      throw invalid(name, "must be one of " + java.util.Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }

    int number(String name, int fallback, int min, int max) {
      String text = params.get(name);
      if (text == null) {
        return fallback;
      }
      try {
        int value = Integer.parseInt(text);
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid(name, "must be a whole number from " + min + " to " + max);
    }

    static ValidationException invalid(String name, String message) {
      return new ValidationException("A query parameter is not valid.", List.of(new FieldError(name, message)));
    }
  }
}
