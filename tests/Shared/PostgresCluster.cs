using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AccountabilityDsl.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster for tests: <c>initdb</c> into a fresh temp folder, <c>postgres</c> listening on a
/// unix socket in that folder and on a free loopback port, stopped and deleted on <see cref="Dispose"/>. Nothing is
/// shared with any other cluster on the machine and no port is fixed. Both <c>initdb</c> and <c>postgres</c> refuse
/// to run as root, so under root every server command runs as the <c>postgres</c> OS user through <c>runuser</c>
/// and the folder is handed to that user.
/// </summary>
/// <remarks>
/// Use it as an xunit collection fixture. Its constructor never throws: when the server binaries are missing it
/// records why, and <see cref="Require"/> (the first line of every test using it, inside a <c>[SkippableFact]</c>)
/// skips the test outside CI and fails it under <c>CI=true</c>, like <see cref="RequiredTool"/>.
/// </remarks>
public sealed partial class PostgresCluster : IDisposable
{
    private const string DebianPackage = "postgresql";
    private readonly string? _missing;
    private readonly string _binDir = "";
    private readonly string? _runAs;
    private readonly Lock _sharedLock = new();
    private string? _shared;
    private int _databases;
    private bool _disposed;

    /// <summary>
    /// Creates and starts the cluster. fsync is off (set <c>OWNER_PG_FSYNC=on</c> to turn it on): the tests kill
    /// processes and the server (<c>pg_ctl restart -m immediate</c>), never the OS, and with
    /// <c>synchronous_commit=on</c> every acknowledged commit's WAL has been written to the OS before the client hears
    /// of it, so no acknowledged commit can be lost by such a kill; fsync only guards against an OS crash or power
    /// loss, and costs each test (and each crash recovery's checkpoint) seconds on a slow disk.
    /// </summary>
    public PostgresCluster()
        : this(fsync: Environment.GetEnvironmentVariable("OWNER_PG_FSYNC") == "on")
    {
    }

    /// <summary>
    /// Creates and starts the cluster with fsync on or off. The benchmark in bench/LedgerThroughput turns it on, so that
    /// every acknowledged commit is on disk, as in production.
    /// </summary>
    internal PostgresCluster(bool fsync)
    {
        var initdb = RequiredTool.TryFind("initdb", ServerBinFolders());
        if (initdb is null)
        {
            _missing = $"'initdb' is not installed (Debian package '{DebianPackage}'; .ci/run installs it)";
            return;
        }
        // PATH may hold a symlink (/usr/local/bin/initdb); the server's own folder has every other binary.
        _binDir = Path.GetDirectoryName(new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb)!;
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot())
        {
            if (RequiredTool.TryFind("runuser", "/sbin", "/usr/sbin") is null)
            {
                _missing = "running as root, PostgreSQL needs 'runuser' (Debian package 'util-linux') to start as the 'postgres' user";
                return;
            }
            _runAs = "postgres";
        }

        Folder = Directory.CreateTempSubdirectory("pgtest-").FullName;
        DataFolder = Path.Combine(Folder, "data");
        Port = FreeLoopbackPort();
        if (_runAs is not null)
        {
            Run("chown", ["-R", _runAs, Folder], asServerUser: false);
        }

        Server("initdb", "-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
        Options = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-c port={Port.ToString(CultureInfo.InvariantCulture)}",
            $"-c unix_socket_directories={Folder}",
            "-c max_connections=200",
            "-c shared_buffers=64MB",
            fsync ? "-c fsync=on" : "-c fsync=off",
            "-c synchronous_commit=on",
            "-c log_min_messages=warning");
        Server("pg_ctl", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o", Options, "start");
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The temp folder holding the data directory, the log and the unix socket.</summary>
    public string Folder { get; } = "";

    /// <summary>The cluster's data directory.</summary>
    public string DataFolder { get; } = "";

    /// <summary>The server log.</summary>
    public string LogFile => Path.Combine(Folder, "server.log");

    /// <summary>The loopback TCP port (the unix socket in <see cref="Folder"/> uses the same number).</summary>
    public int Port { get; }

    /// <summary>The server's command-line options.</summary>
    public string Options { get; } = "";

    /// <summary>The folder with the server binaries (pg_ctl, pgbench, psql…).</summary>
    public string BinFolder => _binDir;

    /// <summary>True when the server binaries were found and the cluster started.</summary>
    public bool Available => _missing is null;

    /// <summary>
    /// Skips the calling test (fails it under CI=true) when no server could be started; outside a test project (the
    /// benchmark links this file without xunit) it throws <see cref="InvalidOperationException"/> with the reason.
    /// </summary>
    public void Require()
    {
        if (_missing is not null)
        {
            ReportMissing(_missing);
            throw new InvalidOperationException(_missing);
        }
    }

    /// <summary>Reports a missing server the test way (PostgresCluster.Testing.cs, linked into test projects only).</summary>
    partial void ReportMissing(string reason);

    /// <summary>Why the cluster could not be started, or null when it runs.</summary>
    public string? MissingReason => _missing;

    /// <summary>A libpq/Npgsql-style connection string to <paramref name="database"/> through the unix socket.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host={Folder};Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database}";

    /// <summary>A connection string to <paramref name="database"/> over loopback TCP.</summary>
    public string TcpConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database}";

    /// <summary>One database created on first use and shared by the tests that only need a fresh schema each.</summary>
    public string SharedDatabase
    {
        get
        {
            lock (_sharedLock)
            {
                return _shared ??= CreateDatabase("shared");
            }
        }
    }

    /// <summary>Creates a new, empty database and returns its name.</summary>
    public string CreateDatabase(string prefix = "t")
    {
        Require();
        var name = prefix + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        Server("createdb", "-h", Folder, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", name);
        return name;
    }

    /// <summary>Runs one SQL statement with psql (superuser) in <paramref name="database"/>; returns its unaligned output.</summary>
    public string Psql(string database, string sql)
    {
        Require();
        return Server("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", Folder, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", database, "-c", sql).Trim();
    }

    /// <summary>
    /// <c>pg_ctl restart -m immediate</c>: the server is killed without a checkpoint (like a crash) and started again,
    /// replaying its WAL. Returns once it accepts connections.
    /// </summary>
    public void RestartImmediate()
    {
        Require();
        Server("pg_ctl", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-m", "immediate", "-o", Options, "restart");
    }

    /// <summary>Stops the server (<c>-m immediate</c>) without deleting it; <see cref="Start"/> brings it back.</summary>
    public void Stop()
    {
        Require();
        Server("pg_ctl", "-D", DataFolder, "-w", "-t", "60", "-m", "immediate", "stop");
    }

    /// <summary>Starts a stopped server.</summary>
    public void Start()
    {
        Require();
        Server("pg_ctl", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o", Options, "start");
    }

    /// <summary>Runs a server binary (as the server user when the tests run as root); returns its standard output.</summary>
    public string Server(string program, params string[] args)
    {
        var path = Path.Combine(_binDir, program);
        return Run(path, args, asServerUser: true);
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (_missing is not null)
        {
            return;
        }
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                Server("pg_ctl", "-D", DataFolder, "-w", "-t", "60", "-m", "immediate", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped: nothing to stop.
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private string Run(string program, IReadOnlyList<string> args, bool asServerUser)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user cannot read root's current folder; run everything from the cluster folder.
            WorkingDirectory = Folder.Length > 0 ? Folder : Path.GetTempPath(),
        };
        if (asServerUser && _runAs is not null)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(_runAs);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
        }
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        // Read both streams concurrently so that neither pipe fills up and blocks the child.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}{stdout}\n{log}");
        }
        return stdout;
    }

    private static string[] ServerBinFolders()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return [];
        }
        // Newest major version first.
        return [.. Directory.GetDirectories(root)
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin"))];
    }

    private static bool IsRoot()
    {
        try
        {
            // /proc/self/status "Uid:\t<real>\t<effective>…"
            var uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return uid is not null && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
