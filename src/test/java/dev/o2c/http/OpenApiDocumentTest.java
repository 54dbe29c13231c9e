package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.o2c.credit.CreditIssue;
import dev.o2c.account.CustomerStatus;
import dev.o2c.account.CustomerView;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.invoice.InvoiceView;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.OrderView;
import dev.o2c.order.PaymentStatus;
import dev.o2c.payment.Attribution;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.PaymentStore;
import dev.o2c.payment.PaymentView;
import dev.o2c.payment.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml and the code stay in step: its paths, problem types and enums. */
class OpenApiDocumentTest {

  private static final Path DOCUMENT = Path.of("docs/openapi.yaml");

  private static JsonNode document() throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
  }

  @Test
  void it_is_openapi_3_1_and_describes_every_path_the_api_serves() throws Exception {
    JsonNode doc = document();
    assertEquals("3.1.0", doc.get("openapi").asText());
    Set<String> paths = new TreeSet<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertEquals(
        new TreeSet<>(List.of(
            "/health/live", "/health/ready", "/v1/customers", "/v1/customers/{customerId}", "/v1/orders",
            "/v1/orders/batch", "/v1/orders/{orderId}", "/v1/orders/{orderId}/approve", "/v1/orders/{orderId}/reject",
            "/v1/orders/{orderId}/ship", "/v1/orders/{orderId}/deliver", "/v1/orders/{orderId}/cancel",
            "/v1/orders/{orderId}/invoice", "/v1/alerts",
            "/v1/openapi.yaml", "/v1/invoices", "/v1/invoices/{invoiceId}", "/v1/invoices/{invoiceId}/credit-notes",
            "/v1/invoices/{invoiceId}/void", "/v1/customers/{customerId}/invoices", "/v1/admin/clock", "/v1/payments",
            "/v1/payments/batch", "/v1/payments/attribute", "/v1/payments/{paymentId}", "/v1/payments/{paymentId}/attribute",
            "/v1/payments/{paymentId}/allocations",
            "/v1/payments/{paymentId}/allocations/{invoiceId}", "/v1/payments/{paymentId}/reverse",
            "/v1/customers/{customerId}/refunds", "/v1/customers/{customerId}/statement", "/v1/reports/ar-aging", "/v1/reports/dso",
            "/v1/reports/cash-flow", "/v1/reports/customer-value", "/v1/reports/lag", "/v1/admin/reports/rebuild",
            "/v1/reports/sales", "/v1/reports/cycle-time", "/v1/reports/automation", "/v1/reports/definitions",
            "/v1/reports/definitions/{definitionId}", "/v1/reports/definitions/{definitionId}/run")),
        paths);
  }

  @Test
  void every_problem_type_and_status_value_of_the_code_is_documented() throws Exception {
    String text = Files.readString(DOCUMENT);
    List<String> missing = new ArrayList<>();
    for (ProblemType type : ProblemType.values()) {
      if (!text.contains(type.uri())) {
        missing.add(type.uri());
      }
    }
    for (Enum<?>[] values : List.<Enum<?>[]>of(
        OrderStatus.values(), PaymentStatus.values(), CustomerStatus.values(), CreditIssue.values(), InvoiceStatus.values(),
        DunningLevel.values(), Rule.values(), PaymentEntry.PaymentStatus.values(), Attribution.Method.values())) {
      for (Enum<?> value : values) {
        if (!text.contains(value.name())) {
          missing.add(value.name());
        }
      }
    }
    assertTrue(missing.isEmpty(), "not in docs/openapi.yaml: " + missing);
  }

  /** A field the API answers with but the document does not describe is a field no client knows of. */
  @Test
  void every_field_of_what_the_api_answers_is_in_its_schema() throws Exception {
    JsonNode schemas = document().get("components").get("schemas");
    Map<Class<?>, String> answers = new LinkedHashMap<>();
    answers.put(CustomerView.class, "Customer");
    answers.put(OrderView.class, "Order");
    answers.put(InvoiceView.class, "Invoice");
    answers.put(InvoiceStore.Summary.class, "InvoiceSummary");
    answers.put(PaymentView.class, "Payment");
    answers.put(Attribution.class, "Attribution");
    answers.put(PaymentStore.Summary.class, "PaymentSummary");
    answers.put(dev.o2c.reports.ArAging.Report.class, "ArAgingReport");
    answers.put(dev.o2c.reports.ArAging.Line.class, "AgingLine");
    answers.put(dev.o2c.reports.Dso.Report.class, "DsoReport");
    answers.put(dev.o2c.reports.CashFlow.Report.class, "CashFlowReport");
    answers.put(dev.o2c.reports.CustomerValue.Report.class, "CustomerValueReport");
    answers.put(dev.o2c.reports.OrderRow.class, "OrderRow");
    answers.put(dev.o2c.reports.ReportDefinition.class, "ReportDefinition");
    answers.put(dev.o2c.reports.InvoiceRow.class, "InvoiceRow");
    answers.put(dev.o2c.reports.Sales.Report.class, "SalesReport");
    answers.put(dev.o2c.reports.CycleTime.Period.class, "CycleTimePeriod");
    answers.put(dev.o2c.reports.Automation.Period.class, "AutomationPeriod");
    List<String> missing = new ArrayList<>();
    answers.forEach((type, schema) -> {
      JsonNode properties = schemas.path(schema).path("properties");
      var description = Json.RESPONSES.getSerializationConfig().introspect(Json.RESPONSES.constructType(type));
      for (var property : description.findProperties()) {
        if (property.couldSerialize() && !properties.has(property.getName())) {
          missing.add(schema + "." + property.getName());
        }
      }
    });
    assertTrue(missing.isEmpty(), "not in docs/openapi.yaml: " + missing);
  }

  @Test
  void every_reference_resolves() throws Exception {
    JsonNode doc = document();
    List<String> broken = new ArrayList<>();
    collectRefs(doc, doc, broken);
    assertTrue(broken.isEmpty(), "unresolved $ref: " + broken);
  }

  private static void collectRefs(JsonNode node, JsonNode root, List<String> broken) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && root.at(ref.asText().substring(1)).isMissingNode()) {
        broken.add(ref.asText());
      }
      node.elements().forEachRemaining(child -> collectRefs(child, root, broken));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collectRefs(child, root, broken));
    }
  }
}
