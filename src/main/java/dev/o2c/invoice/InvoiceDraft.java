package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import dev.o2c.money.Money;
import dev.o2c.order.OrderLine;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What an invoice is issued from: the order's lines with their tax, the totals, and the dates
 * (issued today, due after the customer's payment terms).
 */
public record InvoiceDraft(
    String orderId, String customerId, String externalReference, String currency, List<InvoiceLine> lines,
    BigDecimal subtotal, BigDecimal tax, BigDecimal total, LocalDate issuedOn, LocalDate dueOn)
    implements CborSerializable {

  public InvoiceDraft {
    lines = List.copyOf(lines);
  }

  /**
   * The draft of an order: each line taxed at its code's rate (or the default), rounded per line
   * to the currency's minor unit ({@link TaxRates#ROUNDING}); subtotal = the order total, total =
   * subtotal + the sum of the line taxes, exactly.
   */
  public static InvoiceDraft of(
      String orderId, String customerId, String externalReference, String currency, List<OrderLine> orderLines, TaxRates rates,
      LocalDate issuedOn, int paymentTermsDays) {
    int scale = Money.scale(currency);
    List<InvoiceLine> lines = new ArrayList<>(orderLines.size());
    BigDecimal subtotal = Money.zero(currency);
    BigDecimal tax = Money.zero(currency);
    for (OrderLine line : orderLines) {
      BigDecimal percent = rates.percentFor(line.taxCode());
      BigDecimal lineTax = TaxRates.tax(line.lineTotal(), percent, scale);
      lines.add(new InvoiceLine(line.lineNumber(), line.sku(), line.quantity(), line.unitPrice(), line.lineTotal(), line.taxCode(),
          percent, lineTax, line.lineTotal().add(lineTax)));
      subtotal = subtotal.add(line.lineTotal());
      tax = tax.add(lineTax);
    }
    return new InvoiceDraft(orderId, customerId, externalReference, currency, lines, subtotal, tax, subtotal.add(tax),
        issuedOn, issuedOn.plusDays(paymentTermsDays));
  }
}
