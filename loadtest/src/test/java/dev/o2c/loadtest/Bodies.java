package dev.o2c.loadtest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The JSON request bodies: customers, random orders, payments. Ids and texts are made here from
 * the run id and counters (letters, digits, '-', '_' only), so nothing needs escaping.
 *
 * <p>Orders look like a shop's: 1 to 10 lines of SKU-0001..SKU-0500, quantities 1 to 20 and unit
 * prices 1.00 to 500.00, both skewed towards small values (most lines are a few cheap items, a
 * few are many expensive ones), so that most orders are well below the development tenant's
 * LARGE_ORDER hold rule (total over 10,000) and a few percent are held by it.
 */
final class Bodies {

  static final String CURRENCY = "EUR";
  /** High enough that no customer of a run runs out of credit: holds come from the order rules only. */
  static final String CREDIT_LIMIT = "1000000.00";

  private static final String[] TAX_CODES = {"STANDARD", "STANDARD", "REDUCED", null};
  private static final String[] CHANNELS = {"web", "web", "web", "mobile", "marketplace", "b2b-portal"};

  private Bodies() {}

  /** {@code POST /v1/customers}. */
  static String customer(String customerId) {
    return "{\"customerId\":\"" + customerId + "\",\"name\":\"Load test customer " + customerId
        + "\",\"currency\":\"" + CURRENCY + "\",\"creditLimit\":\"" + CREDIT_LIMIT
        + "\",\"paymentTermsDays\":30}";
  }

  /** {@code POST /v1/orders}: a random order of the customer, referenced {@code externalReference}. */
  static String order(String customerId, String externalReference) {
    return orderObject(null, customerId, externalReference);
  }

  /** One order of {@code POST /v1/orders/batch}, with its own {@code idempotencyKey}. */
  static String batchItem(String idempotencyKey, String customerId, String externalReference) {
    return orderObject(idempotencyKey, customerId, externalReference);
  }

  private static String orderObject(String idempotencyKey, String customerId, String externalReference) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder json = new StringBuilder(160 + 96 * 10).append('{');
    if (idempotencyKey != null) {
      json.append("\"idempotencyKey\":\"").append(idempotencyKey).append("\",");
    }
    json.append("\"customerId\":\"").append(customerId)
        .append("\",\"currency\":\"").append(CURRENCY)
        .append("\",\"channel\":\"").append(CHANNELS[random.nextInt(CHANNELS.length)])
        .append("\",\"externalReference\":\"").append(externalReference)
        .append("\",\"lines\":[");
    int lines = 1 + random.nextInt(10);
    for (int i = 0; i < lines; i++) {
      if (i > 0) {
        json.append(',');
      }
      double q = random.nextDouble();
      double p = random.nextDouble();
      int quantity = 1 + (int) (q * q * q * 20);                       // 1..20, mostly small
      long cents = 100 + (long) (p * p * p * 49_901);                  // 1.00..500.00, mostly small
      json.append("{\"sku\":\"SKU-").append(String.format("%04d", 1 + random.nextInt(500)))
          .append("\",\"quantity\":").append(Math.min(quantity, 20))
          .append(",\"unitPrice\":\"").append(money(BigDecimal.valueOf(Math.min(cents, 50_000), 2)))
          .append('"');
      String taxCode = TAX_CODES[random.nextInt(TAX_CODES.length)];
      if (taxCode != null) {
        json.append(",\"taxCode\":\"").append(taxCode).append('"');
      }
      json.append('}');
    }
    return json.append("]}").toString();
  }

  /**
   * {@code POST /v1/payments}: {@code amount} EUR with a remittance text and a bank reference of
   * its own; {@code customerId} may be null (the server then finds the customer by the invoice
   * number in the text).
   */
  static String payment(String customerId, BigDecimal amount, String remittanceInfo, String bankReference) {
    StringBuilder json = new StringBuilder(200).append('{');
    if (customerId != null) {
      json.append("\"customerId\":\"").append(customerId).append("\",");
    }
    return json.append("\"amount\":\"").append(money(amount))
        .append("\",\"currency\":\"").append(CURRENCY)
        .append("\",\"method\":\"BANK_TRANSFER")
        .append("\",\"remittanceInfo\":\"").append(remittanceInfo)
        .append("\",\"bankReference\":\"").append(bankReference)
        .append("\"}").toString();
  }

  /** An amount as the API writes EUR: two decimals, plain notation. */
  static String money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
  }

  /** Half of an amount, rounded down to the cent (never zero for amounts of at least 0.02). */
  static BigDecimal half(BigDecimal amount) {
    return amount.divide(BigDecimal.valueOf(2), 2, RoundingMode.DOWN);
  }
}
