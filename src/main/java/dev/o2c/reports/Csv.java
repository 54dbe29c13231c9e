package dev.o2c.reports;

import java.util.List;

/** A report as CSV (RFC 4180): a header row and rows of plain values; amounts as plain decimals. */
public record Csv(List<String> header, List<List<Object>> rows) {

  public String text() {
    StringBuilder out = new StringBuilder();
    line(out, List.copyOf(header));
    rows.forEach(row -> line(out, row));
    return out.toString();
  }

  private static void line(StringBuilder out, List<?> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(values.get(i)));
    }
    out.append("\r\n");
  }

  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof java.math.BigDecimal d ? d.toPlainString() : value.toString();
    // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe (CSV injection).
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !(value instanceof Number)) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
