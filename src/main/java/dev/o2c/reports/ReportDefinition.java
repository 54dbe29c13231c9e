package dev.o2c.reports;

import dev.o2c.infra.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report a tenant saved under a name: which report, its parameters (filters, grouping), and
 * optionally a period relative to the day it runs — {@code last-N-days} (the N days up to today),
 * {@code this-month}, {@code last-month}, {@code this-year} — which sets the report's
 * {@code from} and {@code to} (and an aging's {@code asOf}: the period's last day). Plain Java.
 */
public record ReportDefinition(
    String definitionId, String name, String report, Map<String, String> parameters, String period, String createdBy, Instant createdAt) {

  public ReportDefinition {
    parameters = Map.copyOf(new TreeMap<>(parameters));
  }

  private static final Pattern LAST_DAYS = Pattern.compile("last-(\\d{1,3})-days");

  /** The id of a tenant's definition of this name (names are unique per tenant, case aside). */
  public static String idOf(String tenantId, String name) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((tenantId + "\u0000" + name.trim().toLowerCase(Locale.ROOT))
          .getBytes(StandardCharsets.UTF_8));
      return "rd_" + HexFormat.of().formatHex(d).substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What is wrong with a period's text (empty: it is one). */
  public static Optional<String> periodProblem(String period) {
    if (period == null || List.of("this-month", "last-month", "this-year").contains(period)) {
      return Optional.empty();
    }
    Matcher m = LAST_DAYS.matcher(period);
    if (m.matches()) {
      int days = Integer.parseInt(m.group(1));
      return days >= 1 && days <= 366 ? Optional.empty() : Optional.of("last-N-days takes N from 1 to 366");
    }
    return Optional.of("must be last-N-days (N from 1 to 366), this-month, last-month or this-year");
  }

  /** The period's first and last day when it runs on {@code today}. */
  public static LocalDate[] resolve(String period, LocalDate today) {
    Matcher m = LAST_DAYS.matcher(period);
    if (m.matches()) {
      return new LocalDate[] {today.minusDays(Integer.parseInt(m.group(1)) - 1L), today};
    }
    return switch (period) {
      case "this-month" -> new LocalDate[] {today.withDayOfMonth(1), today};
      case "last-month" -> {
        LocalDate first = today.withDayOfMonth(1).minusMonths(1);
        yield new LocalDate[] {first, first.with(TemporalAdjusters.lastDayOfMonth())};
      }
      case "this-year" -> new LocalDate[] {today.withDayOfYear(1), today};
      default -> throw new IllegalArgumentException("not a period: " + period);
    };
  }

  /**
   * The parameters a run uses on {@code today}: the saved ones, with the period's days in place of
   * {@code from}/{@code to} (an aging's {@code asOf}).
   */
  public Map<String, String> parametersOn(LocalDate today) {
    Map<String, String> out = new TreeMap<>(parameters);
    if (period != null) {
      LocalDate[] days = resolve(period, today);
      if (report.equals("ar-aging")) {
        out.put("asOf", days[1].toString());
      } else {
        out.put("from", days[0].toString());
        out.put("to", days[1].toString());
      }
    }
    return out;
  }

  /** The structural problems of a definition to be saved, against the reports and the parameters each takes. */
  public static List<FieldError> problems(String name, String report, Map<String, String> parameters, String period,
      Map<String, List<String>> reports) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null || name.isBlank() || name.length() > 100) {
      errors.add(new FieldError("name", "must be 1 to 100 characters"));
    }
    List<String> allowed = report == null ? null : reports.get(report);
    if (allowed == null) {
      errors.add(new FieldError("report", "must be one of " + new TreeMap<>(reports).keySet()));
    } else {
      for (String key : parameters.keySet()) {
        if (!allowed.contains(key)) {
          errors.add(new FieldError("parameters." + key, "is not a parameter of " + report + " (it takes " + allowed + ")"));
        }
      }
      if (period != null && report.equals("customer-value")) {
        errors.add(new FieldError("period", "customer-value covers all time; it takes no period"));
      }
      if (period != null && (parameters.containsKey("from") || parameters.containsKey("to") || parameters.containsKey("asOf"))) {
        errors.add(new FieldError("period", "give either a period or from/to (asOf), not both"));
      }
    }
    periodProblem(period).ifPresent(p -> errors.add(new FieldError("period", p)));
    return errors;
  }
}
