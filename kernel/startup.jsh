// Concurrency Lab: what every notebook cell and `./lab jshell` session starts with.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.*;
import java.util.function.*;
import java.util.stream.*;
import java.time.*;
import java.nio.file.*;
import conclab.*;
import conclab.task.*;
import conclab.sync.*;
import conclab.trace.*;
import conclab.chart.*;
import conclab.spi.*;
import conclab.check.*;
import static conclab.Lab.*;
