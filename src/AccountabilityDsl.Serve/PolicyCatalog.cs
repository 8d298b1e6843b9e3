using System.Collections.Immutable;
using System.Security.Cryptography;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Runtime.Compiled;
using AccountabilityDsl.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Serve;

/// <summary>A policy the service answers for: one version of one file, compiled without errors.</summary>
/// <param name="Compiled">The decision tables.</param>
/// <param name="Gate">Its gate over the service's one ledger.</param>
/// <param name="File">The full path of its file.</param>
/// <param name="ContentHash">SHA-256 of the file's bytes, lower-case hex.</param>
/// <param name="LoadedAt">When this version started serving.</param>
internal sealed record LoadedPolicy(CompiledPolicy Compiled, ObservedContactGate Gate, string File, string ContentHash, DateTimeOffset LoadedAt)
{
    public string Name => Compiled.Name;
}

/// <summary>
/// The latest attempt to load one file. <see cref="Serving"/> is what answers requests: the new
/// version when the attempt compiled without errors, otherwise the version before it (or none).
/// </summary>
internal sealed record PolicyFileState(
    string File,
    string? ContentHash,
    DateTimeOffset AttemptedAt,
    ImmutableArray<Diagnostic> Diagnostics,
    string? Error,
    LoadedPolicy? Serving)
{
    public bool Failed => Error is not null || Diagnostics.Any(d => d.IsError);
}

/// <summary>An immutable view of everything loaded, swapped as a whole on reload.</summary>
internal sealed record CatalogSnapshot(
    IReadOnlyDictionary<string, LoadedPolicy> ByName,
    IReadOnlyList<PolicyFileState> Files,
    IReadOnlyList<string> CollectErrors)
{
    public static CatalogSnapshot Empty { get; } = new(new Dictionary<string, LoadedPolicy>(), [], []);
}

/// <summary>
/// The policies `ownerc serve` answers for, reloaded when their files change. A changed file
/// replaces its running policy only when it compiles without errors; otherwise the old version
/// keeps serving and the errors are reported (in <c>/v1/policies</c> and the log). Every version
/// of every policy shares the one ledger, so a reservation made under an old version can be
/// committed under the new one. Readers never lock: they read the current snapshot.
/// </summary>
internal sealed partial class PolicyCatalog : IDisposable
{
    private readonly ServeOptions _options;
    private readonly Func<CompiledPolicy, ObservedContactGate> _createGate;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _debounce;
    private CatalogSnapshot _snapshot = CatalogSnapshot.Empty;
    private int _reloads;

    public PolicyCatalog(ServeOptions options, Func<CompiledPolicy, ObservedContactGate> createGate, TimeProvider clock, ILogger<PolicyCatalog> logger)
    {
        _options = options;
        _createGate = createGate;
        _clock = clock;
        _logger = logger;
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public CatalogSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>The largest request body accepted, in bytes.</summary>
    public int MaxRequestBodyBytes => _options.MaxRequestBodyBytes;

    /// <summary>How many reloads have completed (tests wait on it).</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    public LoadedPolicy? Find(string name) => Snapshot.ByName.GetValueOrDefault(name);

    /// <summary>Loads every file, then watches the command line's files and folders.</summary>
    public void Start()
    {
        Reload();
        if (!_options.Watch)
        {
            return;
        }

        foreach (string path in _options.WatchedPaths)
        {
            bool folder = Directory.Exists(path);
            string? directory = folder ? path : Path.GetDirectoryName(path);
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            var watcher = new FileSystemWatcher(directory, folder ? "*.owner" : Path.GetFileName(path))
            {
                IncludeSubdirectories = folder,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    // Editors write a file in several steps (truncate, write, rename): reload once things settle.
    private void OnChange(object sender, FileSystemEventArgs e) => _debounce.Change(250, Timeout.Infinite);

    /// <summary>Reads every policy file again and swaps in what compiled; returns the new snapshot.</summary>
    public CatalogSnapshot Reload()
    {
        lock (_reloadLock)
        {
            try
            {
                return ReloadLocked();
            }
            finally
            {
                Interlocked.Increment(ref _reloads);
            }
        }
    }

    private CatalogSnapshot ReloadLocked()
    {
        CatalogSnapshot before = Snapshot;
        (IReadOnlyList<string> files, IReadOnlyList<string> collectErrors) = _options.CollectFiles();
        var previous = before.Files.ToDictionary(f => f.File, StringComparer.Ordinal);
        var states = new List<PolicyFileState>();
        foreach (string file in files)
        {
            states.Add(Load(file, previous.GetValueOrDefault(file)));
        }

        foreach (PolicyFileState gone in before.Files.Where(f => !files.Contains(f.File, StringComparer.Ordinal)))
        {
            if (gone.Serving is { } stopped)
            {
                Log.PolicyRemoved(_logger, stopped.Name, gone.File);
            }
        }

        var byName = new Dictionary<string, LoadedPolicy>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i].Serving is not { } serving)
            {
                continue;
            }

            if (byName.TryGetValue(serving.Name, out LoadedPolicy? first))
            {
                states[i] = states[i] with
                {
                    Serving = null,
                    Error = $"policy '{serving.Name}' is already served from {first.File}; each policy is served from one file",
                };
                Log.Duplicate(_logger, serving.Name, states[i].File, first.File);
                continue;
            }

            byName[serving.Name] = serving;
        }

        foreach (string error in collectErrors.Except(before.CollectErrors))
        {
            Log.CollectError(_logger, error);
        }

        var snapshot = new CatalogSnapshot(byName, states, collectErrors);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private PolicyFileState Load(string file, PolicyFileState? previous)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        byte[] content;
        try
        {
            content = _options.ReadFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Unreadable(_logger, file, e.Message);
            return new PolicyFileState(file, previous?.ContentHash, now, [], $"cannot read the file: {e.Message}", previous?.Serving);
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (previous is not null && previous.ContentHash == hash && previous.Error is null)
        {
            return previous;
        }

        PolicyCompilation compilation = PolicyLoader.Compile(file, content);
        if (compilation.HasErrors)
        {
            int errors = compilation.Diagnostics.Count(d => d.IsError);
            if (previous?.Serving is { } old)
            {
                Log.RejectedKeepsOld(_logger, file, errors, old.Name, old.ContentHash[..12], string.Join("; ", compilation.Diagnostics.Where(d => d.IsError).Take(3)));
            }
            else
            {
                Log.Rejected(_logger, file, errors, string.Join("; ", compilation.Diagnostics.Where(d => d.IsError).Take(3)));
            }

            return new PolicyFileState(file, hash, now, compilation.Diagnostics, null, previous?.Serving);
        }

        var compiled = CompiledPolicy.Create(compilation);
        var loaded = new LoadedPolicy(compiled, _createGate(compiled), file, hash, now);
        Log.Loaded(_logger, loaded.Name, file, hash[..12], compilation.Diagnostics.Length);
        return new PolicyFileState(file, hash, now, compilation.Diagnostics, null, loaded);
    }

    public void Dispose()
    {
        foreach (FileSystemWatcher watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, EventName = "PolicyLoaded", Level = LogLevel.Information, Message = "Serving policy {Policy} from {File} (sha256 {Hash}, {Diagnostics} warnings)")]
        public static partial void Loaded(ILogger logger, string policy, string file, string hash, int diagnostics);

        [LoggerMessage(EventId = 2002, EventName = "PolicyRejected", Level = LogLevel.Error, Message = "{File} has {Errors} errors; the previous version of policy {Policy} (sha256 {Hash}) keeps serving: {FirstErrors}")]
        public static partial void RejectedKeepsOld(ILogger logger, string file, int errors, string policy, string hash, string firstErrors);

        [LoggerMessage(EventId = 2003, EventName = "PolicyNotServed", Level = LogLevel.Error, Message = "{File} has {Errors} errors and is not served: {FirstErrors}")]
        public static partial void Rejected(ILogger logger, string file, int errors, string firstErrors);

        [LoggerMessage(EventId = 2004, EventName = "PolicyUnreadable", Level = LogLevel.Error, Message = "Cannot read {File}: {Reason}")]
        public static partial void Unreadable(ILogger logger, string file, string reason);

        [LoggerMessage(EventId = 2005, EventName = "PolicyRemoved", Level = LogLevel.Warning, Message = "Policy {Policy} is no longer served: {File} is gone")]
        public static partial void PolicyRemoved(ILogger logger, string policy, string file);

        [LoggerMessage(EventId = 2006, EventName = "PolicyDuplicate", Level = LogLevel.Error, Message = "Policy {Policy} in {File} is not served: it is already served from {First}")]
        public static partial void Duplicate(ILogger logger, string policy, string file, string first);

        [LoggerMessage(EventId = 2007, EventName = "PolicyInputError", Level = LogLevel.Error, Message = "{Error}")]
        public static partial void CollectError(ILogger logger, string error);
    }
}
