package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sales volume, in plain Java: orders placed in a period (rejected and cancelled ones left out),
 * per period (day, ISO week named by its Monday, or month) and group (channel, SKU or customer),
 * per currency: orders, units, net, tax and gross. By SKU, an order's tax is shared over its lines
 * in proportion to their net amounts (to the cent, the remainder on its last line), so the SKUs
 * of an order add up to the order.
 */
public final class Sales {

  public enum By { DAY, WEEK, MONTH }

  public enum Group { CHANNEL, SKU, CUSTOMER }

  public record Row(String period, String group, long orders, long units, BigDecimal net, BigDecimal tax, BigDecimal gross) {}

  public record Currency(String currency, long orders, long units, BigDecimal net, BigDecimal tax, BigDecimal gross, List<Row> rows) {}

  public record Report(LocalDate from, LocalDate to, String by, String group, List<Currency> currencies) {

    public Csv csv() {
      List<List<Object>> rows = new ArrayList<>();
      for (Currency c : currencies) {
        for (Row r : c.rows()) {
          rows.add(List.of(c.currency(), r.period(), r.group(), r.orders(), r.units(), r.net(), r.tax(), r.gross()));
        }
      }
      return new Csv(List.of("currency", "period", group, "orders", "units", "net", "tax", "gross"), rows);
    }
  }

  private Sales() {}

  static String period(LocalDate day, By by) {
    return switch (by) {
      case DAY -> day.toString();
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
      case MONTH -> day.toString().substring(0, 7);
    };
  }

  public static Report of(LocalDate from, LocalDate to, By by, Group group, List<OrderRow> orders) {
    // currency -> (period, group) -> sums
    Map<String, TreeMap<String, long[]>> counts = new TreeMap<>();
    Map<String, TreeMap<String, BigDecimal[]>> money = new TreeMap<>();
    for (OrderRow o : orders) {
      if (o.status().equals("REJECTED") || o.status().equals("CANCELLED")) {
        continue;
      }
      String p = period(LocalDate.ofInstant(o.placedAt(), ZoneOffset.UTC), by);
      BigDecimal tax = o.gross().subtract(o.net());
      if (group == Group.SKU) {
        List<BigDecimal> shares = shares(tax, o.lines(), Money.scale(o.currency()));
        for (int i = 0; i < o.lines().size(); i++) {
          OrderRow.Line l = o.lines().get(i);
          add(counts, money, o.currency(), p + "\u0000" + l.sku(), 1, l.quantity(), l.net(), shares.get(i));
        }
      } else {
        String g = group == Group.CHANNEL ? (o.channel() == null ? "" : o.channel()) : o.customerId();
        add(counts, money, o.currency(), p + "\u0000" + g, 1, o.units(), o.net(), tax);
      }
    }
    List<Currency> out = new ArrayList<>();
    counts.forEach((currency, byKey) -> {
      BigDecimal zero = Money.zero(currency);
      List<Row> rows = new ArrayList<>();
      long orderCount = 0;
      long units = 0;
      BigDecimal net = zero;
      BigDecimal tax = zero;
      for (var e : byKey.entrySet()) {
        String[] key = e.getKey().split("\u0000", -1);
        BigDecimal[] m = money.get(currency).get(e.getKey());
        rows.add(new Row(key[0], key[1], e.getValue()[0], e.getValue()[1], zero.add(m[0]), zero.add(m[1]), zero.add(m[0]).add(m[1])));
        units += e.getValue()[1];
        net = net.add(m[0]);
        tax = tax.add(m[1]);
      }
      // Orders are counted once per currency (by SKU an order is in several rows).
      for (OrderRow o : orders) {
        if (o.currency().equals(currency) && !o.status().equals("REJECTED") && !o.status().equals("CANCELLED")) {
          orderCount++;
        }
      }
      out.add(new Currency(currency, orderCount, units, net, tax, net.add(tax), rows));
    });
    return new Report(from, to, by.name().toLowerCase(Locale.ROOT), group.name().toLowerCase(Locale.ROOT), out);
  }

  private static void add(Map<String, TreeMap<String, long[]>> counts, Map<String, TreeMap<String, BigDecimal[]>> money, String currency,
      String key, long orders, long units, BigDecimal net, BigDecimal tax) {
    long[] c = counts.computeIfAbsent(currency, k -> new TreeMap<>()).computeIfAbsent(key, k -> new long[2]);
    c[0] += orders;
    c[1] += units;
    BigDecimal[] m = money.computeIfAbsent(currency, k -> new TreeMap<>()).computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO,
        BigDecimal.ZERO});
    m[0] = m[0].add(net);
    m[1] = m[1].add(tax);
  }

  /** {@code tax} shared over the lines in proportion to their net amounts; the shares add up to it exactly. */
  static List<BigDecimal> shares(BigDecimal tax, List<OrderRow.Line> lines, int scale) {
    List<BigDecimal> out = new ArrayList<>();
    BigDecimal net = lines.stream().map(OrderRow.Line::net).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal given = BigDecimal.ZERO;
    for (int i = 0; i < lines.size(); i++) {
      BigDecimal share;
      if (i == lines.size() - 1) {
        share = tax.subtract(given);
      } else {
        share = net.signum() == 0 ? BigDecimal.ZERO.setScale(scale)
            : tax.multiply(lines.get(i).net()).divide(net, scale, RoundingMode.HALF_EVEN);
      }
      given = given.add(share);
      out.add(share);
    }
    return out;
  }
}
