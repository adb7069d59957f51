package conclab.kernel.maven;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import conclab.kernel.exec.Outcome;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -jar conclab.jar fetch [--quiet] NOTEBOOK...} ({@code ./lab fetch}): resolves the libraries
 * that notebooks load with {@code %maven} (and its aliases), {@code %mavenRepo}, {@code %%loadFromPOM} and
 * {@code %loadFromPOM PATH} (in the scopes they name, as the kernel does) into the local repository the kernel
 * uses, so that a class can run them with no network. The cells are read as the kernel reads them (a magic is
 * the first line of its cell), in order, with the kernel's own resolver, settings and local repository ({@code CONCLAB_M2_REPO}, then
 * {@code -Dmaven.repo.local}, settings' {@code <localRepository>}, {@code ~/.m2/repository}).
 *
 * <p>Exit status 0 when everything was resolved (or nothing was asked), 1 when something could not be,
 * each named with the reason (the kernel's own error messages), 2 on bad usage.
 */
public final class Fetch {

    private Fetch() {}

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean quiet = false;
        List<Path> notebooks = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--quiet") || a.equals("-q")) quiet = true;
            else if (a.startsWith("-")) return usage(err);
            else notebooks.add(Path.of(a));
        }
        if (notebooks.isEmpty()) return usage(err);
        int failed = 0;
        for (Path nb : notebooks) failed += fetch(nb, quiet, out, err);
        if (failed > 0) {
            err.println(conclab.text.Messages.hint(failed == 1 ? "fetch.failed.one" : "fetch.failed.many", failed));
        }
        return failed > 0 ? 1 : 0;
    }

    private static int usage(PrintStream err) {
        err.println(conclab.text.Messages.hint("fetch.usage"));
        return 2;
    }

    /** What one cell asks for: a magic's name, its arguments and the cell's body. */
    record Magic(String name, String args, String body) {}

    /** The library magics of the notebook's code cells, in order (the first line of a cell, as the kernel reads it). */
    static List<Magic> magics(String notebookJson) {
        List<Magic> found = new ArrayList<>();
        JsonObject nb = JsonParser.parseString(notebookJson).getAsJsonObject();
        if (!nb.has("cells")) return found;
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (!cell.has("cell_type") || !"code".equals(cell.get("cell_type").getAsString()) || !cell.has("source")) continue;
            JsonElement src = cell.get("source");
            StringBuilder text = new StringBuilder();
            if (src.isJsonArray()) src.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
            else text.append(src.getAsString());
            String code = text.toString().stripLeading();
            boolean cellMagic = code.startsWith("%%");
            if (!code.startsWith("%")) continue;
            int nl = code.indexOf('\n');
            String head = (nl < 0 ? code : code.substring(0, nl)).substring(cellMagic ? 2 : 1).strip();
            String[] parts = head.split("\\s+", 2);
            String name = parts[0];
            String args = parts.length > 1 ? parts[1] : "";
            String body = nl < 0 ? "" : code.substring(nl + 1);
            switch (name) {
                case "maven", "addMavenDependency", "addMavenDependencies", "mavenRepo", "addMavenRepo" -> {
                    if (!cellMagic) found.add(new Magic(name.contains("Repo") ? "mavenRepo" : "maven", args, ""));
                }
                case "loadFromPOM" -> found.add(new Magic(cellMagic ? "%%loadFromPOM" : "loadFromPOM", args, body));
                default -> { }
            }
        }
        return found;
    }

    private static int fetch(Path nb, boolean quiet, PrintStream out, PrintStream err) {
        String name = nb.getFileName().toString();
        List<Magic> magics;
        try {
            magics = magics(Files.readString(nb, StandardCharsets.UTF_8));
        } catch (Exception e) {
            err.println(conclab.text.Messages.hint("fetch.not_a_notebook", nb, e.getMessage()));
            return 1;
        }
        if (magics.isEmpty()) {
            if (!quiet) out.println(conclab.text.Messages.hint("fetch.nothing", name));
            return 0;
        }
        MavenResolver r = new MavenResolver();
        int failed = 0;
        for (Magic m : magics) {
            String what = "%" + m.name() + " " + m.args().strip();
            List<Dependency> deps = new ArrayList<>();
            List<Dependency> managed = List.of();
            List<org.eclipse.aether.repository.RemoteRepository> extra = List.of();
            boolean offline = false;
            List<String> scopes = new ArrayList<>(MavenResolver.DEFAULT_SCOPES);
            Counter counter = new Counter();
            try {
                switch (m.name()) {
                    case "mavenRepo" -> {
                        String[] w = m.args().strip().split("\\s+");
                        if (w.length == 2 && w[0].equals("--remove")) r.removeRepository(w[1]);
                        else if (w.length == 2) r.addRepository(w[0], MavenMagics.repositoryUrl(w[1]));
                        continue;
                    }
                    case "maven" -> {
                        String bad = MavenMagics.coordinates(m.args(), deps);
                        if (bad != null) {
                            err.println(conclab.text.Messages.hint("fetch.bad", name, "%maven " + m.args(), bad));
                            failed++;
                            continue;
                        }
                        offline = MavenMagics.offline(m.args());
                    }
                    default -> {
                        // the scopes the kernel keeps for this magic: %loadFromPOM PATH SCOPE..., %%loadFromPOM SCOPE...
                        List<String> words = List.of(m.args().strip().split("\\s+"));
                        scopes.clear();
                        String badScope = MavenMagics.scopes(m.name().equals("loadFromPOM") ? words.subList(1, words.size()) : words, scopes);
                        if (badScope != null) {
                            err.println(name + ": " + (m.name().startsWith("%") ? "" : "%") + m.name() + " " + m.args().strip() + ": " + badScope);
                            failed++;
                            continue;
                        }
                        String xml;
                        if (m.name().equals("loadFromPOM")) {
                            Path pom = nb.toAbsolutePath().getParent().resolve(m.args().strip().split("\\s+")[0]);
                            xml = Files.readString(pom);
                            what = "%loadFromPOM " + pom;
                        } else {
                            xml = m.body();
                            what = "%%loadFromPOM";
                        }
                        offline = MavenMagics.offline(m.args());
                        Path pom = Files.createTempFile("conclab-fetch-", ".pom");
                        try {
                            Files.writeString(pom, MavenMagics.asPom(xml));
                            var contents = r.readPom(pom, offline, counter);
                            deps.addAll(contents.dependencies());
                            managed = contents.managed();
                            extra = contents.repositories();
                        } finally {
                            Files.deleteIfExists(pom);
                        }
                    }
                }
                var res = r.resolve(deps, managed, extra, scopes, offline, counter, null);
                if (!quiet || counter.files.get() > 0) {
                    int n = res.artifacts().size();
                    out.println(conclab.text.Messages.hint(n == 1 ? "fetch.resolved.one" : "fetch.resolved.many", name, what, n,
                            counter.files.get() == 0 ? conclab.text.Messages.hint("fetch.all_local", r.localRepository())
                                    : conclab.text.Messages.hint("fetch.downloaded", Progress.files(counter.files.get()),
                                            Progress.size(counter.bytes.get()), r.localRepository())));
                }
            } catch (Exception e) {
                failed++;
                String why = MavenMagics.problem(e, offline, r) instanceof Outcome.Failed f ? f.evalue() : String.valueOf(e.getMessage());
                err.println(conclab.text.Messages.hint("fetch.not_fetched", name, what, why));
            }
        }
        return failed;
    }

    /** Counts the files and bytes downloaded. */
    private static final class Counter extends AbstractTransferListener {
        final AtomicInteger files = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void transferSucceeded(TransferEvent event) {
            if (event.getRequestType() == TransferEvent.RequestType.GET) {
                files.incrementAndGet();
                bytes.addAndGet(event.getTransferredBytes());
            }
        }
    }
}
