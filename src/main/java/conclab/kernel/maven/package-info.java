/**
 * Libraries in a cell: {@code %maven}, {@code %mavenRepo}, {@code %jars}, {@code %%loadFromPOM},
 * {@code %loadFromPOM}, with IJava's names and arguments ({@link conclab.kernel.maven.MavenMagics}), resolved
 * the way Maven resolves them by Maven Resolver with Maven 3's POM reading
 * ({@link conclab.kernel.maven.MavenResolver}); a progress line updated in place while files download
 * ({@code Progress}). In plain JShell ({@code ./lab jshell}), {@link conclab.kernel.maven.PlainMaven} does the same for
 * {@code maven("g:a:v")}, through JShell's local engine ({@link conclab.kernel.maven.JShellProvider}).
 *
 * <p>Who runs what: the magics run on the shell thread, or on a cell's thread when cell code calls them
 * ({@code lineMagic(...)}, a magic line inside Java: {@code List<String> added = %jars lib/*.jar}) while the shell
 * thread waits for that cell, so that JShell never compiles while a jar is added ({@code MavenMagics} is
 * synchronized); each resolution runs on a thread of its own ({@code conclab-maven}) that the caller waits for, so
 * that an interrupt ends the cell at once (the thread finishes its download in the background and its
 * result is dropped); Maven Resolver downloads on threads of its own and reports to the progress line.
 *
 * <p>In the shaded jar this package's libraries (Maven Resolver, Maven's model and settings, Apache
 * HttpClient, Plexus) live under {@code conclab.shaded.*}, as do the kernel's Gson, JeroMQ and SLF4J, so a
 * cell's own versions of them never meet the kernel's.
 */
package conclab.kernel.maven;
