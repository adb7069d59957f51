/**
 * The Jupyter kernel: its map. Start here to find which thread does what, where a thread's output goes,
 * and how an interrupt stops a cell.
 *
 * <h2>Packages</h2>
 * <ul>
 *   <li>{@code wire}: the ZeroMQ sockets, their threads, the HMAC-signed codec ({@link conclab.kernel.wire.Transport}).</li>
 *   <li>{@code shell}: the handler table of every channel ({@link conclab.kernel.shell.Requests#register}),
 *       busy/idle around each request ({@link conclab.kernel.shell.Dispatcher}), execute, history, magics.</li>
 *   <li>{@code exec}: JShell, its execution control, bytecode rewriting, updates, the traceback formatter.</li>
 *   <li>{@code cell}: a cell's life: its context and registry, its threads, stopping, liveness reports.</li>
 *   <li>{@code io}: output routing, kernel notices, display, stdin, the last hop to iopub.</li>
 *   <li>{@code maven}: {@code %maven}, {@code %mavenRepo}, {@code %jars}, {@code %%loadFromPOM} through Maven
 *       Resolver ({@link conclab.kernel.maven.MavenMagics}).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <table class="striped">
 *   <caption>Every thread the kernel runs</caption>
 *   <tr><th>thread</th><th>started by</th><th>owns, does</th></tr>
 *   <tr><td>{@code main}</td><td>the JVM</td><td>builds every part ({@link conclab.kernel.Kernel#run}), then
 *       waits for shutdown; owns nothing afterwards</td></tr>
 *   <tr><td>{@code conclab-shell-io}</td><td>{@link conclab.kernel.wire.Transport#start}</td><td>the shell
 *       ROUTER socket: decodes each request at once; gives the front end's comm messages to
 *       {@link conclab.kernel.io.Comms} straight away (also while a cell runs) and queues every other request
 *       for {@code conclab-shell}; writes the replies {@code conclab-shell} hands it, in order</td></tr>
 *   <tr><td>{@code conclab-shell}</td><td>{@code Transport.start}</td><td>runs every queued shell handler,
 *       one request at a time: execute (JShell evaluation, compile, class loading), complete, inspect,
 *       history, comm_info; its replies go out through {@code conclab-shell-io}</td></tr>
 *   <tr><td>{@code conclab-comm}</td><td>{@link conclab.kernel.io.Comms}</td><td>runs the library's comm
 *       handlers (a widget's drag, a button's click) for the front end's comm_open, comm_msg and comm_close,
 *       in arrival order, under the cell that opened each comm</td></tr>
 *   <tr><td>{@code conclab-widgets}</td><td>{@code conclab.widgets}, at the first widget</td><td>the widgets'
 *       timer: sends merged updates of a widget changed faster than once per 20 ms, and starts
 *       {@code interact} runs after their debounce; daemon</td></tr>
 *   <tr><td>{@code conclab-control}</td><td>{@code Transport.start}</td><td>the control ROUTER socket;
 *       interrupt, shutdown, kernel_info while a cell runs</td></tr>
 *   <tr><td>{@code conclab-iopub}</td><td>{@code Transport.start}</td><td>the PUB socket, alone: takes
 *       queued messages and writes them ({@code Transport.iopubLoop})</td></tr>
 *   <tr><td>{@code conclab-hb}</td><td>{@code Transport.start}</td><td>the heartbeat socket (echo)</td></tr>
 *   <tr><td>(stdin)</td><td>none</td><td>no thread of its own: the stdin ROUTER is used by whichever cell
 *       thread reads {@code System.in}, under {@code Transport.stdinLock()}
 *       ({@link conclab.kernel.io.StdinBridge})</td></tr>
 *   <tr><td>{@code conclab-output}</td><td>{@link conclab.kernel.io.OutputRouter}</td><td>the output pump:
 *       batches what threads printed, per cell, under the data-rate limit, and publishes it</td></tr>
 *   <tr><td>{@code conclab-init}</td><td>{@code Kernel.startInBackground}</td><td>starts JShell and runs
 *       {@code startup.jsh}, at start-up and on {@code %reset}; ends then</td></tr>
 *   <tr><td>{@code conclab-lifeline}</td><td>{@link conclab.kernel.Lifeline}</td><td>the watchdog: halts the
 *       process 5 s after the kernel began to end, whatever blocks</td></tr>
 *   <tr><td>{@code conclab-idle-trim}</td><td>{@link conclab.kernel.Footprint}, at start-up</td><td>once the
 *       shell has been quiet for {@code Footprint.IDLE_MILLIS} after work, one full collection at minimum
 *       priority, with at most 10 % of the heap kept free, so the heap shrinks to its live data; sleeps
 *       otherwise</td></tr>
 *   <tr><td>{@code Thread-N} (JShell's indexer)</td><td>JShell, for its completion</td><td>indexes the
 *       class path's packages and classes; held by {@code conclab.kernel.exec.DeferredIndexing} until the first
 *       completion, which waits for the index; daemon</td></tr>
 *   <tr><td>{@code conclab-chart-warm-up}</td><td>{@code conclab.chart.Charts.warmUpInBackground}, never by
 *       the kernel itself (every kernel of a class would pay it at start-up): the first chart loads the
 *       rendering path</td><td>draws throw-away charts at low priority; ends then</td></tr>
 *   <tr><td>{@code conclab-exit-notice}</td><td>a shutdown hook</td><td>runs only when the JVM ends other
 *       than by shutdown_request: says so under the last cell</td></tr>
 *   <tr><td>{@code conclab-maven}</td><td>{@code MavenMagics}, one per {@code %maven} or
 *       {@code %%loadFromPOM}</td><td>resolves and downloads while the shell thread waits; left to finish in
 *       the background when the cell is interrupted; never touches JShell. Maven Resolver's own download
 *       threads work for it</td></tr>
 *   <tr><td>{@code python-worker-PID}, {@code python-stderr-PID}</td><td>{@code conclab.task.PythonWorker},
 *       on the first {@code %%python} cell</td><td>read the CPython worker's frames (output, results, trace) and
 *       its raw stderr; each piece of output is written under the cell that ran the Python thread, through
 *       the same path as a Java thread's output, and each display (a matplotlib figure) through
 *       {@code Lab.display} under that cell; they also complete the shell thread's Tab and Shift-Tab questions
 *       in a {@code %%python} cell ({@code PythonWorker.complete}/{@code inspect}, answered within 2 s);
 *       daemons, ended with the worker</td></tr>
 *   <tr><td>{@code python-input-N} (virtual)</td><td>{@code PythonWorker}, one per {@code input()} in
 *       Python</td><td>asks the front end for the line under the Python thread's cell
 *       ({@link conclab.kernel.io.StdinBridge#readLine}, holding the stdin channel as a reading cell thread
 *       does) and sends it to the worker; ends then</td></tr>
 *   <tr><td>{@code cell-N}</td><td>{@link conclab.kernel.cell.CellThreads#run}, one per snippet</td><td>runs
 *       a snippet of cell [N] in the cell's thread group, under its context; the shell thread waits for it</td></tr>
 *   <tr><td>threads of cells</td><td>cell code</td><td>whatever the learner starts; each belongs to a cell
 *       ({@link conclab.kernel.cell.Contexts}) and is stopped with it</td></tr>
 *   <tr><td>{@code iothread-N}, {@code reaper-N}</td><td>JeroMQ</td><td>its socket I/O; a death ends the
 *       kernel through the lifeline</td></tr>
 *   <tr><td>{@code process reaper}</td><td>the JDK, for {@code ProcessHandle.onExit} in
 *       {@code Kernel.watchParent}</td><td>waits for the process that started the kernel; ends the kernel
 *       when it is gone</td></tr>
 * </table>
 *
 * <h2>Where a thread's output goes</h2>
 * From {@code System.out.println} in any thread to the iopub socket, one path:
 * <ol>
 *   <li>{@code System.out} is {@link conclab.kernel.io.OutputRouter#stdout()} (installed by {@code Kernel.run});
 *       {@code OutputRouter.Routed.write} picks the cell: {@link conclab.kernel.cell.Contexts#current()}
 *       (captured or inherited), else {@link conclab.kernel.cell.Contexts#lastCell()} with the thread's
 *       name before each line;</li>
 *   <li>{@code OutputRouter.CellOutput.append} buffers it in that cell's buffer (never waits for the network);</li>
 *   <li>the pump thread ({@code OutputRouter.pumpLoop}), or the shell thread before a result and idle
 *       ({@link conclab.kernel.io.OutputRouter#flush}), drains it: {@code OutputRouter.drain};</li>
 *   <li>{@link conclab.kernel.io.IopubPublisher#publish} signs the {@code stream} message and queues it:
 *       {@link conclab.kernel.wire.Transport#publish};</li>
 *   <li>the iopub thread writes it: {@code Transport.iopubLoop} → {@code Transport.sendFrames}.</li>
 * </ol>
 * Chain: {@code OutputRouter.Routed.write → OutputRouter.CellOutput.append → OutputRouter.pumpLoop |
 * OutputRouter.flush → OutputRouter.drain → IopubPublisher.publish → Transport.publish →
 * Transport.iopubLoop → Transport.sendFrames}. Kernel notices under a cell (an update JShell made, output
 * truncated, the kernel exiting) enter the same path at {@link conclab.kernel.io.OutputRouter#notice}; every
 * other iopub message (status, execute_input, results, errors, display data) enters it at
 * {@code IopubPublisher.publish}. Only {@code IopubPublisher} calls {@code Transport.publish}.
 *
 * <h2>Comms: a click while a cell runs</h2>
 * Chain, front end to handler: {@code Transport.shellIo} (shell I/O thread) {@code → Comms.isComm → Comms.received}
 * (the table of open comms changes now) {@code → Comms.handle} on {@code conclab-comm} {@code → Comm.Handler.message}
 * under the comm's cell. Kernel to front end, from any thread: {@code Comm.send → OutputRouter.flush} (the
 * sender's cell's pending text first) {@code → IopubPublisher.publish} (with buffers), under the comm's lock.
 *
 * <h2>How an interrupt works</h2>
 * Chain: {@code Transport.serve} (control thread) {@code → Dispatcher.dispatch → Requests.interrupt →
 * CellThreads.stop → CellContext.advance(STOPPING) + CellRuntime.stopRequested + interrupt of the snippet
 * thread + CellContext.stopOwned}; then in the cell's threads {@code CellRuntime.stopCheck} (inserted by
 * {@code Instrumenter} at method starts and backward branches) {@code → CellStoppedError}, or an
 * {@code InterruptedException}; on the shell thread {@code CellThreads.run} sees the snippet thread end (or
 * after {@link conclab.kernel.cell.CellThreads#ABANDON_AFTER_NANOS} moves the cell to ABANDONED and throws
 * {@code UnstoppableError}) {@code → CellExecutionControl.invoke → Evaluator.runtimeError →
 * Outcome.Interrupted → ExecuteHandler.handle} ({@code Liveness.survivors}, deadlocks) {@code → error}
 * with {@code ename} KeyboardInterrupt and the execute_reply. The states a cell goes through are in
 * {@link conclab.kernel.cell.CellContext}; the steps in {@link conclab.kernel.cell.CellThreads}.
 */
package conclab.kernel;
