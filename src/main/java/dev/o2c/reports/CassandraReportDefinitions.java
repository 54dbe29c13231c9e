package dev.o2c.reports;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** Saved report definitions in Cassandra ({@code report_definitions}); a name is taken once (a lightweight transaction). */
public final class CassandraReportDefinitions implements ReportDefinitions {

  private static final TypeReference<Map<String, String>> PARAMETERS = new TypeReference<>() {};
  private static final String COLUMNS = "definition_id, name, report, parameters, period, created_by, created_at";

  private final CassandraSession session;
  private final String ks;

  public CassandraReportDefinitions(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<ReportDefinition> saveIfAbsent(String tenantId, ReportDefinition d) {
    return session.executeWrite("INSERT INTO " + ks + ".report_definitions (tenant, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
            tenantId, d.definitionId(), d.name(), d.report(), CassandraReportStore.write(d.parameters()), d.period(), d.createdBy(), d.createdAt())
        .thenCompose(done -> get(tenantId, d.definitionId()))
        .thenApply(stored -> stored.orElseThrow(() -> new IllegalStateException("definition " + d.definitionId() + " not stored")));
  }

  @Override
  public CompletionStage<Optional<ReportDefinition>> get(String tenantId, String definitionId) {
    return session.selectOne("SELECT " + COLUMNS + " FROM " + ks + ".report_definitions WHERE tenant = ? AND definition_id = ?", tenantId,
        definitionId).thenApply(row -> row.map(CassandraReportDefinitions::definition));
  }

  @Override
  public CompletionStage<List<ReportDefinition>> list(String tenantId) {
    return session.selectAll("SELECT " + COLUMNS + " FROM " + ks + ".report_definitions WHERE tenant = ?", tenantId)
        .thenApply(rows -> rows.stream().map(CassandraReportDefinitions::definition).sorted(Comparator.comparing(ReportDefinition::name))
            .toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String tenantId, String definitionId) {
    return get(tenantId, definitionId).thenCompose(found -> found.isEmpty()
        ? java.util.concurrent.CompletableFuture.completedFuture(false)
        : session.executeWrite("DELETE FROM " + ks + ".report_definitions WHERE tenant = ? AND definition_id = ?", tenantId, definitionId)
            .thenApply(done -> true));
  }

  private static ReportDefinition definition(Row r) {
    Map<String, String> parameters;
    try {
      parameters = CassandraReportStore.MAPPER.readValue(r.getString("parameters"), PARAMETERS);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot read the parameters of definition " + r.getString("definition_id"), e);
    }
    return new ReportDefinition(r.getString("definition_id"), r.getString("name"), r.getString("report"), parameters, r.getString("period"),
        r.getString("created_by"), r.getInstant("created_at"));
  }
}
