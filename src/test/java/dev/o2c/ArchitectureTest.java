package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the server form no cycle: bounded contexts depend on {@code money/} and
 * {@code infra/}, the customer's account (the one writer of a customer's money) depends on the
 * contexts whose decisions it composes, and {@code http/} on all of them — never the other way
 * round. Read from the sources: every {@code import dev.o2c.x...} and every fully qualified
 * {@code dev.o2c.x.} name in code counts.
 */
class ArchitectureTest {

  private static final Path SOURCES = Path.of("src/main/java/dev/o2c");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.o2c\\.([a-z]+)\\.");

  /** Package -> the packages its sources name (top level under dev.o2c; the root is "(root)"). */
  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        String pkg = relative.getNameCount() == 1 ? "(root)" : relative.getName(0).toString();
        Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        for (String line : Files.readAllLines(file)) {
          String code = line.strip();
          if (code.startsWith("package ") || code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
            continue;
          }
          Matcher m = REFERENCE.matcher(code);
          while (m.find()) {
            if (!m.group(1).equals(pkg)) {
              deps.add(m.group(1));
            }
          }
        }
      }
    }
    return graph;
  }

  @Test
  void the_packages_form_no_cycle() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, new ArrayList<>(List.of(start)), cycles);
    }
    assertEquals(List.of(), cycles, "package cycles (dependencies: " + graph + ")");
  }

  @Test
  void the_contexts_do_not_depend_on_the_account_or_the_transport() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    for (String context : List.of("credit", "order", "invoice", "payment", "money", "infra", "reporting", "tenancy", "idempotency")) {
      Set<String> deps = graph.getOrDefault(context, Set.of());
      assertTrue(!deps.contains("account") && !deps.contains("http") && !deps.contains("(root)"),
          context + " depends on " + deps);
    }
    assertTrue(graph.get("account").containsAll(List.of("credit", "order", "invoice", "payment")),
        "the account composes the contexts' decisions: " + graph.get("account"));
    // The reports read the account's events; nothing below them reads the reports.
    assertTrue(!graph.get("reports").contains("http"), "reports depend on " + graph.get("reports"));
    graph.forEach((from, deps) -> assertTrue(from.equals("http") || from.equals("(root)") || !deps.contains("reports"),
        from + " depends on the reports"));
  }

  @Test
  void a_cycle_is_found_when_there_is_one() {
    // The search itself: a graph with a cycle through three packages is reported.
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    List<String> cycles = new ArrayList<>();
    findCycle(graph, "d", new ArrayList<>(List.of("d")), cycles);
    assertEquals(List.of("a -> b -> c -> a"), cycles);
  }

  /** Depth-first from the last of {@code path}; records each cycle once, as found from its smallest member. */
  private static void findCycle(Map<String, Set<String>> graph, String start, List<String> path, List<String> cycles) {
    String last = path.get(path.size() - 1);
    for (String next : graph.getOrDefault(last, Set.of())) {
      int seen = path.indexOf(next);
      if (seen >= 0) {
        List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
        String smallest = cycle.stream().min(String::compareTo).orElseThrow();
        if (cycle.get(0).equals(smallest)) {
          cycle.add(next);
          String text = String.join(" -> ", cycle);
          if (!cycles.contains(text)) {
            cycles.add(text);
          }
        }
        continue;
      }
      path.add(next);
      findCycle(graph, start, path, cycles);
      path.remove(path.size() - 1);
    }
  }
}
