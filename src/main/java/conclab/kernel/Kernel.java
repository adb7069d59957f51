package conclab.kernel;

import com.google.gson.JsonObject;
import conclab.kernel.exec.Evaluator;
import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import conclab.kernel.io.IopubPublisher;
import conclab.kernel.io.KernelHost;
import conclab.kernel.io.OutputRouter;
import conclab.kernel.io.Publisher;
import conclab.kernel.io.Renderers;
import conclab.kernel.shell.Dispatcher;
import conclab.kernel.shell.ExecuteHandler;
import conclab.kernel.shell.History;
import conclab.kernel.shell.Magics;
import conclab.kernel.shell.Request;
import conclab.kernel.shell.Requests;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.ConnectionInfo;
import conclab.kernel.wire.Transport;
import conclab.spi.Hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The kernel process: the one place that builds and owns every part (transport, output routing,
 * cell contexts, JShell) and wires them together. Nothing here is static: each part receives what
 * it needs.
 */
public final class Kernel {

    /** Largest message frame accepted; bigger ones are dropped by the codec. */
    static final long MAX_FRAME_BYTES = 16L << 20;

    private final Log log;
    private final Transport transport;
    private final Publisher publisher;
    private final OutputRouter output;
    private final CountDownLatch shutdown = new CountDownLatch(1);

    private Kernel(Log log, Transport transport, Publisher publisher, OutputRouter output) {
        this.log = log;
        this.transport = transport;
        this.publisher = publisher;
        this.output = output;
    }

    /** The exit status of a kernel that could not bind a port of its connection file (Linux's EADDRINUSE). */
    public static final int EXIT_PORT_TAKEN = 98;

    /**
     * Runs a kernel for {@code connectionFile} until a shutdown_request (or its parent dies).
     *
     * <p>The sockets are bound first, before anything else the kernel starts: the ports were chosen by
     * Jupyter, which closed them again, so every moment before the bind is a moment in which another
     * process may take one. A port already taken ends the process at once with one line naming the
     * channel and the port, and {@link #EXIT_PORT_TAKEN}. With {@code portsFile} (the port handshake
     * of the kernelspec's provisioner, {@code conclab_provisioner.py}) a taken port is replaced by a free
     * one instead, and the ports really bound are written to that file for Jupyter to read.
     */
    public static void run(Path connectionFile, Path portsFile) throws IOException, InterruptedException {
        PrintStream err = System.err;
        Log log = new Log(err, "debug".equalsIgnoreCase(System.getenv("CONCLAB_LOG")));
        ConnectionInfo info = ConnectionInfo.read(connectionFile);
        Lifeline lifeline = new Lifeline(log, Lifeline.reserveFor(Runtime.getRuntime().maxMemory()));
        Transport transport = new Transport(info, log, lifeline);
        try {
            ConnectionInfo bound = transport.bind(2 * MAX_FRAME_BYTES, portsFile != null);
            if (portsFile != null) PortHandshake.write(portsFile, bound);
        } catch (Transport.PortTaken e) {
            long sinceMain = (System.nanoTime() - Main.MAIN_STARTED) / 1_000_000;
            long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - sinceMain;
            err.println("conclab kernel: cannot start: " + e.getMessage() + " (port " + e.port()
                    + " was chosen by Jupyter and then taken by another process before this kernel bound it; "
                    + sinceMain + " ms after main, " + jvm + " ms of JVM start before). Exit status " + EXIT_PORT_TAKEN + ".");
            err.flush();
            Runtime.getRuntime().halt(EXIT_PORT_TAKEN);
        }
        Codec codec = new Codec(info.signatureScheme(), info.key(), MAX_FRAME_BYTES);
        transport.useCodec(codec);
        Publisher publisher = new IopubPublisher(transport, codec);

        Contexts contexts = new Contexts();
        OutputRouter output = new OutputRouter(contexts, publisher, OutputRouter.Settings.defaults(), err);
        output.onPumpFailure(t -> lifeline.caught("output", t), lifeline::threadDied);
        System.setOut(output.stdout());
        System.setErr(output.stderr());
        var stdin = new conclab.kernel.io.StdinBridge(contexts, transport, codec, output);
        System.setIn(stdin);
        Renderers renderers = new Renderers(Kernel.class.getClassLoader());
        conclab.kernel.io.Comms comms = new conclab.kernel.io.Comms(contexts, output, publisher, log);
        Hosts.install(new KernelHost(contexts, output, publisher, renderers, log, comms));
        // an exception that ends a thread is shown under the thread's cell, on its stderr
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> conclab.kernel.exec.Tracebacks.printUncaught(t, e, System.err));

        Kernel kernel = new Kernel(log, transport, publisher, output);
        // if the JVM ends anyway (System.exit through reflection, a library, a signal), say why under the cell
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (kernel.shutdown.getCount() == 0) return;   // an ordinary shutdown_request
            CellContext cell = contexts.lastCell();
            if (cell == null) return;
            output.notice(cell, "the kernel is exiting: something called System.exit or Runtime.halt past the "
                    + "kernel's guard (reflection, a library), or the process got a signal. Restart the kernel.");
            transport.close();
        }, "conclab-exit-notice"));
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<Evaluator>> engine =
                new java.util.concurrent.atomic.AtomicReference<>(startInBackground(err, log, output));
        // memory back to the system once idle; the chart warm-up only where asked for (Footprint says why)
        Footprint footprint = new Footprint(log, Footprint.IDLE_MILLIS).start();
        engine.get().thenRun(footprint::touched);
        if (Footprint.chartWarmUpAtStart(System.getenv())) engine.get().thenRun(conclab.chart.Charts::warmUpInBackground);
        Supplier<Evaluator> evaluator = () -> engine.get().join();
        Runnable reset = () -> {   // %reset: a fresh JShell in the same kernel (shell thread)
            Evaluator old = evaluator.get();
            engine.set(startInBackground(err, log, output));
            old.close();
            evaluator.get();
        };

        History history = new History(1);
        Dispatcher dispatcher = new Dispatcher(codec, transport, publisher, log, lifeline);
        lifeline.onFarewell(() -> {   // best effort, with the reserve spent: one line under the last cell
            CellContext cell = contexts.lastCell();
            if (cell == null) return;
            output.notice(cell, "the kernel ran out of memory in its own threads and exits. A cell kept the heap "
                    + "full (a thread still allocating, or a variable holding what it caught). Restart the kernel.");
            transport.flushIopub(1000);
        });
        Magics magics = new Magics(evaluator, contexts, reset, stdin);
        ExecuteHandler execute = new ExecuteHandler(evaluator, contexts, output, publisher, renderers, history, magics,
                dispatcher);
        new Requests(evaluator, history, contexts, version(), magics, comms).register(dispatcher, execute,
                kernel::shutdown);
        comms.onStatus(dispatcher::status);

        transport.start(footprint.around(dispatcher.shellLoop()), dispatcher.controlLoop(),
                conclab.kernel.io.Comms::isComm, comms::received);
        kernel.watchParent();
        log.info("kernel started (" + info.endpoint(info.shellPort()) + ", Java " + Runtime.version() + ")");
        log.info(Footprint.limitLine());
        kernel.shutdown.await();
        output.close();
        transport.close();
        Runtime.getRuntime().halt(0);
    }

    /**
     * A training run for JDK 25's ahead-of-time cache ({@code -XX:AOTCacheOutput}): starts JShell as the
     * kernel does and evaluates, completes and documents typical cells, so that the classes and methods of
     * javac and JShell are loaded, linked and profiled before the first real cell.
     */
    static void train() throws IOException {
        PrintStream err = System.err;
        try (Evaluator ev = startJShell(err, (cell, notice) -> { })) {
            CellContext ctx = new CellContext(1, new JsonObject(), List.of(), false, true);
            String[] cells = {"1 + 1", "int x = 3;\nx * 2", "System.out.println(\"hello\")",
                    "record P(int a, String b) {}\nnew P(1, \"b\")", "String greet(String w) { return \"hi \" + w; }\ngreet(\"a\")",
                    "var list = new ArrayList<Integer>(); for (int i = 0; i < 10; i++) list.add(i); list",
                    "Thread.ofVirtual().start(() -> {}).join()", "List.of(1, 2, 3).stream().map(i -> i * 2).toList()",
                    "undefinedName + 1", "int[] a = new int[1]; a[2]"};
            for (int round = 0; round < 3; round++) {
                for (String c : cells) ev.eval(c, ctx);
                ev.completionSuggestions("Math.ab", 7, new int[1]);
                ev.documentation("Math.abs(", 9);
                ev.completeness("void f() {");
            }
        }
        try {   // Maven Resolver's classes too: a first %maven in a fresh kernel
            conclab.kernel.maven.MavenResolver.train();
        } catch (Throwable e) {
            err.println("Maven Resolver left out of the training: " + e);
        }
        // the charts' classes (AWT, fonts, XChart) in the cache too: measured, a first chart in a fresh JVM
        // 1.0 s → 0.7 s and the start-up warm-up 2.1 s → 1.4 s. Without fonts (`./lab build` alone does not
        // install them) the cache keeps JShell's part.
        try {
            conclab.chart.Charts.warmUp();
        } catch (Throwable e) {
            err.println("charts left out of the training: " + e);
        }
    }

    /** Starts JShell with the start-up script on a thread of its own; the first cell waits for it. */
    private static CompletableFuture<Evaluator> startInBackground(PrintStream err, Log log, OutputRouter output) {
        CompletableFuture<Evaluator> ready = new CompletableFuture<>();
        Thread.ofPlatform().name("conclab-init").daemon(true).start(() -> {
            try {
                long t0 = System.nanoTime();
                Evaluator ev = startJShell(err, output::notice);
                ready.complete(ev);
                log.info("JShell ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                if (ev.pruningDisabled() != null) {
                    log.warn("JShell will keep every snippet (long sessions grow): " + ev.pruningDisabled());
                }
            } catch (Throwable t) {
                log.error("JShell could not start", t);
                ready.completeExceptionally(t);
            }
        });
        return ready;
    }

    private static Evaluator startJShell(PrintStream err, java.util.function.BiConsumer<CellContext, String> notices)
            throws IOException {
        Evaluator ev = new Evaluator(List.of(ownClassPath()), err, notices, Evaluator.keepValuesSetting());
        String startup;
        try (InputStream in = Kernel.class.getResourceAsStream("/conclab/kernel/startup.jsh")) {
            if (in == null) throw new IOException("startup.jsh is missing from the jar");
            startup = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CellContext init = new CellContext(0, new JsonObject(), List.of(), false);
        var outcome = ev.eval(startup, init);
        if (!(outcome instanceof conclab.kernel.exec.Outcome.Ok)) {
            throw new IOException("startup.jsh failed: " + outcome);
        }
        return ev;
    }

    /** The jar or classes directory this kernel runs from (cells compile against it). */
    static String ownClassPath() {
        try {
            return Path.of(Kernel.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return System.getProperty("java.class.path");
        }
    }

    static String version() {
        return Optional.ofNullable(Kernel.class.getPackage().getImplementationVersion()).orElse("dev");
    }

    private void shutdown(Request r) {
        boolean restart = r.message().bool("restart", false);
        JsonObject c = Request.ok();
        c.addProperty("restart", restart);
        r.reply("shutdown_reply", c);
        publisher.publish("shutdown_reply", r.message().header(), c);
        log.info("shutdown requested" + (restart ? " (restart)" : ""));
        r.afterReply(shutdown::countDown);   // end only once the reply is on its way
    }

    /** Exits when the process that started the kernel goes away (JPY_PARENT_PID, else the parent). */
    private void watchParent() {
        String jpy = System.getenv("JPY_PARENT_PID");
        Optional<ProcessHandle> parent;
        if (jpy != null && jpy.strip().matches("\\d+")) {
            parent = ProcessHandle.of(Long.parseLong(jpy.strip()));
            if (parent.isEmpty()) {   // gone before we looked: the server that started us is dead
                log.info("parent process " + jpy.strip() + " is gone; the kernel exits");
                shutdown.countDown();
                return;
            }
        } else {
            parent = ProcessHandle.current().parent();
        }
        parent.ifPresent(p -> p.onExit().thenRun(() -> {
            log.info("parent process " + p.pid() + " ended; the kernel exits");
            shutdown.countDown();
        }));
    }
}
