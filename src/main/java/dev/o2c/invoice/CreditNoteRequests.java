package dev.o2c.invoice;

import dev.o2c.infra.Validation;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The API's credit note and void request bodies and their validation (400 with every field error). */
public final class CreditNoteRequests {

  private CreditNoteRequests() {}

  /** One invoice line to credit: its number, and how many of its units (all of them when absent). */
  public record LineCredit(Integer lineNumber, Long quantity) {}

  /** Body of {@code POST /v1/invoices/{id}/credit-notes}: an amount, or lines, and a reason. */
  public record Create(BigDecimal amount, List<LineCredit> lines, String reason) {}

  /** Optional body of {@code POST /v1/invoices/{id}/void}. */
  public record Void(String reason) {}

  /**
   * The amount a credit note request stands for on this invoice: the amount given (in the
   * invoice's currency, more than zero), or for lines, each line's gross per unit times the units
   * credited, with the line's tax rounded as on the invoice.
   */
  public static BigDecimal amount(Create request, InvoiceView invoice) {
    Validation v = new Validation();
    v.text("reason", request.reason(), 500);
    if ((request.amount() == null) == (request.lines() == null)) {
      v.error("amount", "give either amount or lines");
      v.orThrow("The credit note is not valid.");
    }
    if (request.amount() != null) {
      v.amount("amount", request.amount(), invoice.currency(), false);
      v.orThrow("The credit note is not valid.");
      return Money.normalize(request.amount(), invoice.currency());
    }
    if (request.lines().isEmpty()) {
      v.error("lines", "must name at least one line");
    }
    int scale = Money.scale(invoice.currency());
    BigDecimal total = Money.zero(invoice.currency());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < request.lines().size(); i++) {
      LineCredit credit = request.lines().get(i);
      String at = "lines[" + i + "]";
      InvoiceLine line = credit == null || credit.lineNumber() == null ? null
          : invoice.lines().stream().filter(l -> l.lineNumber() == credit.lineNumber()).findFirst().orElse(null);
      if (line == null) {
        v.error(at + ".lineNumber", "must be the number of a line of this invoice");
        continue;
      }
      if (!seen.add(line.lineNumber())) {
        v.error(at + ".lineNumber", "names a line twice");
        continue;
      }
      long quantity = credit.quantity() == null ? line.quantity() : credit.quantity();
      if (quantity < 1 || quantity > line.quantity()) {
        v.error(at + ".quantity", "must be between 1 and " + line.quantity());
        continue;
      }
      BigDecimal net = line.unitPrice().multiply(BigDecimal.valueOf(quantity));
      total = total.add(net).add(TaxRates.tax(net, line.taxPercent(), scale));
    }
    v.orThrow("The credit note is not valid.");
    return total;
  }
}
