using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Runtime.Compiled;
using AccountabilityDsl.Runtime.Hosting;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Workspace;
using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Serve;

/// <summary>A policy the service answers for: one version of its files, compiled without errors.</summary>
/// <param name="Compiled">The decision tables.</param>
/// <param name="Gate">Its gate over the service's one ledger.</param>
/// <param name="Files">The full paths of its files, in path order.</param>
/// <param name="ContentHash">SHA-256 of its files' text, lower-case hex (see <see cref="PolicyCatalog.Hash"/>).</param>
/// <param name="LoadedAt">When this version started serving.</param>
internal sealed record LoadedPolicy(CompiledPolicy Compiled, ObservedContactGate Gate, IReadOnlyList<string> Files, string ContentHash, DateTimeOffset LoadedAt)
{
    public string Name => Compiled.Name;
}

/// <summary>
/// The latest attempt to load one policy: the files one compilation of the workspace came from.
/// <see cref="Serving"/> is what answers requests: the new version when the attempt compiled
/// without errors, otherwise the version before it (or none).
/// </summary>
/// <param name="Name">The policy its headers name (null for a file without a readable header).</param>
/// <param name="Files">The full paths of the attempt's files.</param>
/// <param name="ContentHash">The hash of the attempt's text.</param>
/// <param name="AttemptedAt">When the files were last read.</param>
/// <param name="Diagnostics">The attempt's diagnostics, as <c>ownerc check</c> reports them.</param>
/// <param name="Error">Why the attempt is not served, besides its diagnostics.</param>
/// <param name="Serving">The version answering requests.</param>
internal sealed record PolicyState(
    string? Name,
    IReadOnlyList<string> Files,
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
    IReadOnlyList<PolicyState> Policies,
    IReadOnlyList<string> InputErrors)
{
    public static CatalogSnapshot Empty { get; } = new(new Dictionary<string, LoadedPolicy>(), [], []);
}

/// <summary>
/// The policies `ownerc serve` answers for, reloaded when their files change. Every load opens
/// the command line's paths as one <see cref="PolicyWorkspace"/>, exactly as <c>ownerc check</c>
/// does (files whose headers name the same policy are one policy; the same diagnostics, with the
/// <c>.editorconfig</c> severities). A policy's new version replaces the running one only when
/// it compiles without errors and no file of the running version was left behind broken or
/// unreadable (a file whose header no longer parses drops out of its policy, and the rest must
/// not be served without it); otherwise the old version keeps serving and the errors are
/// reported (in <c>/v1/policies</c> and the log). Every version of every policy shares the one
/// ledger, so a reservation made under an old version can be committed under the new one.
/// Readers never lock: they read the current snapshot.
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

    /// <summary>
    /// Loads every policy, then watches the command line's files and folders, and the
    /// <c>.editorconfig</c> files that can apply to them: a severity change is reloaded like a
    /// policy edit (an error it raises keeps the previous version serving).
    /// </summary>
    public void Start()
    {
        Reload();
        if (!_options.Watch)
        {
            return;
        }

        var configurationFolders = new HashSet<(string Folder, bool Below)>();
        foreach (string path in _options.WatchedPaths)
        {
            bool folder = Directory.Exists(path);
            string? directory = folder ? path : Path.GetDirectoryName(path);
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            Watch(directory, folder ? "*" + InputCollector.Extension : Path.GetFileName(path), folder);

            // .editorconfig files are read from a policy's folder upwards (EditorConfigSeverities): in a served
            // folder and the folders below it, and in every folder above. Which of those stop the search
            // (root = true) can change with an edit, so all of them are watched.
            configurationFolders.Add((directory, folder));
            for (string? above = Path.GetDirectoryName(directory); above is not null; above = Path.GetDirectoryName(above))
            {
                configurationFolders.Add((above, false));
            }
        }

        foreach ((string folder, bool below) in configurationFolders.Where(f => f.Below || !configurationFolders.Contains((f.Folder, true))))
        {
            Watch(folder, EditorConfigSeverities.FileName, below);
        }
    }

    private void Watch(string directory, string filter, bool includeSubdirectories)
    {
        var watcher = new FileSystemWatcher(directory, filter)
        {
            IncludeSubdirectories = includeSubdirectories,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += OnChange;
        watcher.Created += OnChange;
        watcher.Deleted += OnChange;
        watcher.Renamed += OnChange;
        watcher.EnableRaisingEvents = true;
        _watchers.Add(watcher);
    }

    // Editors write a file in several steps (truncate, write, rename): reload once things settle.
    private void OnChange(object sender, FileSystemEventArgs e) => _debounce.Change(250, Timeout.Infinite);

    /// <summary>Reads every policy again and swaps in what compiled; returns the new snapshot.</summary>
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
        DateTimeOffset now = _clock.GetUtcNow();
        PolicyWorkspace workspace = PolicyWorkspace.Open(_options.Paths, _options.WorkingDirectory);
        ImmutableArray<PolicyCompilation> compilations = workspace.Compile();

        // Diagnostics and trees name files by their display path (as `ownerc check` shows them); the catalog keeps full paths.
        var fullPath = workspace.Documents.ToDictionary(d => d.Input.DisplayPath, d => d.Input.FullPath, StringComparer.Ordinal);
        var displayPath = workspace.Documents.ToDictionary(d => d.Input.FullPath, d => d.Input.DisplayPath, StringComparer.Ordinal);
        // Files still there that cannot be served as they are: unreadable, or in a compilation with errors.
        var troubled = new HashSet<string>(workspace.Documents.Where(d => !d.WasRead).Select(d => d.Input.FullPath), StringComparer.Ordinal);
        foreach (PolicyCompilation compilation in compilations.Where(c => c.HasErrors))
        {
            troubled.UnionWith(compilation.SyntaxTrees.Select(t => fullPath[t.FilePath]));
        }

        // The running version each compilation would replace: the one of its name; else, for a compilation with errors
        // (a file whose header no longer parses stands alone), one that a file of it belonged to.
        var previous = before.ByName.Values.ToList();
        var accounted = new HashSet<LoadedPolicy>(ReferenceEqualityComparer.Instance);
        var names = compilations.Select(c => c.SyntaxTrees.Select(t => t.PolicyName).FirstOrDefault(n => n is not null)).ToArray();
        var files = compilations.Select(c => c.SyntaxTrees.Select(t => fullPath[t.FilePath]).ToList()).ToArray();
        var olds = new LoadedPolicy?[compilations.Length];
        for (int i = 0; i < compilations.Length; i++)
        {
            string? name = names[i];
            olds[i] = name is null ? null : previous.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (olds[i] is { } named)
            {
                accounted.Add(named);
            }
        }

        for (int i = 0; i < compilations.Length; i++)
        {
            if (olds[i] is null && compilations[i].HasErrors
                && previous.FirstOrDefault(p => !accounted.Contains(p) && p.Files.Intersect(files[i]).Any()) is { } shared)
            {
                olds[i] = shared;
                accounted.Add(shared);
            }
        }

        var states = new List<PolicyState>();
        var byName = new Dictionary<string, LoadedPolicy>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < compilations.Length; i++)
        {
            bool wasFailing = olds[i] is { } running && before.Policies.Any(p => p.Failed && ReferenceEquals(p.Serving, running));
            PolicyState state = Attempt(compilations[i], names[i], files[i], olds[i], wasFailing, troubled, displayPath, now);
            if (state.Serving is { } serving && byName.TryGetValue(serving.Name, out LoadedPolicy? first))
            {
                state = state with
                {
                    Serving = null,
                    Error = $"a policy named '{first.Name}' is already served from {Describe(first.Files, displayPath)}; policy names must differ in more than case",
                };
                Log.Duplicate(_logger, serving.Name, Describe(files[i], displayPath), Describe(first.Files, displayPath));
            }
            else if (state.Serving is { } served)
            {
                byName[served.Name] = served;
            }

            states.Add(state);
        }

        // Running policies no compilation took over: their files are gone (or now name another policy, which is
        // served in its own right), or they are still there but broken or unreadable: then they keep serving.
        foreach (LoadedPolicy old in previous.Where(p => !accounted.Contains(p)))
        {
            if (old.Files.FirstOrDefault(troubled.Contains) is { } broken && !byName.ContainsKey(old.Name))
            {
                string error = $"{Describe([broken], displayPath)} cannot be read or has errors; the previous version of policy {old.Name} keeps serving";
                Log.KeptOld(_logger, old.Name, old.ContentHash[..12], error);
                states.Add(new PolicyState(old.Name, old.Files, null, now, [], error, old));
                byName[old.Name] = old;
            }
            else
            {
                Log.PolicyRemoved(_logger, old.Name, Describe(old.Files, displayPath));
            }
        }

        List<string> inputErrors = [.. workspace.InputErrors, .. workspace.ConfigurationDiagnosticsUnder(CompilationOptions.Default).Select(d => d.ToString())];
        foreach (string error in inputErrors.Except(before.InputErrors))
        {
            Log.InputError(_logger, error);
        }

        var snapshot = new CatalogSnapshot(byName, states, inputErrors);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    /// <summary>What one compilation of the workspace serves: itself, the running version it would replace, or nothing.</summary>
    /// <param name="wasFailing">The attempt before this one failed and <paramref name="old"/> kept serving.</param>
    private PolicyState Attempt(PolicyCompilation compilation, string? name, List<string> files, LoadedPolicy? old, bool wasFailing,
        HashSet<string> troubled, Dictionary<string, string> displayPath, DateTimeOffset now)
    {
        string hash = Hash(compilation.SyntaxTrees);
        string described = Describe(files, displayPath);
        if (compilation.HasErrors)
        {
            string errors = Count(compilation.Diagnostics.Count(d => d.IsError), "error");
            string first = string.Join("; ", compilation.Diagnostics.Where(d => d.IsError).Take(3));
            string error;
            if (old is not null)
            {
                error = $"{described} has {errors}; the previous version of policy {old.Name} (sha256 {old.ContentHash[..12]}) keeps serving";
                Log.RejectedKeepsOld(_logger, described, errors, old.Name, old.ContentHash[..12], first);
            }
            else
            {
                error = $"{described} has {errors} and is not served";
                Log.Rejected(_logger, described, errors, first);
            }

            return new PolicyState(name, files, hash, now, compilation.Diagnostics, error, old);
        }

        if (old is not null && old.Files.FirstOrDefault(f => !files.Contains(f) && troubled.Contains(f)) is { } leftBehind)
        {
            string error = $"{Describe([leftBehind], displayPath)} was part of policy {old.Name} and cannot be read or has errors; the previous version keeps serving";
            Log.KeptOld(_logger, old.Name, old.ContentHash[..12], error);
            return new PolicyState(name, files, hash, now, compilation.Diagnostics, error, old);
        }

        if (old is not null && old.ContentHash == hash && old.Name == compilation.PolicyName)
        {
            // Unchanged text: the same tables and gate keep serving (a file touched, or another policy changed, or
            // a broken edit undone: then the log says the files are served again).
            if (wasFailing)
            {
                Log.ServedAgain(_logger, old.Name, described, hash[..12]);
            }

            return new PolicyState(name, files, hash, now, compilation.Diagnostics, null, old with { Files = files });
        }

        var compiled = CompiledPolicy.Create(compilation);
        var loaded = new LoadedPolicy(compiled, _createGate(compiled), files, hash, now);
        Log.Loaded(_logger, loaded.Name, described, hash[..12], Count(compilation.Diagnostics.Length, "warning"));
        return new PolicyState(name, files, hash, now, compilation.Diagnostics, null, loaded);
    }

    /// <summary>
    /// SHA-256 over the policy's files in path order, each as UTF-8 (with its byte order mark when it
    /// had one): for a policy in one UTF-8 file, the SHA-256 of that file, as <c>sha256sum</c> prints it.
    /// </summary>
    internal static string Hash(IEnumerable<SyntaxTree> trees)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (SyntaxTree tree in trees)
        {
            if (tree.Source.HasByteOrderMark)
            {
                sha.AppendData(Encoding.UTF8.Preamble);
            }

            sha.AppendData(Encoding.UTF8.GetBytes(tree.Source.Text));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Describe(IEnumerable<string> files, Dictionary<string, string> displayPath) =>
        string.Join(", ", files.Select(f => displayPath.GetValueOrDefault(f, f)));

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
        [LoggerMessage(EventId = 2001, EventName = "PolicyLoaded", Level = LogLevel.Information, Message = "Serving policy {Policy} from {Files} (sha256 {Hash}, {Diagnostics})")]
        public static partial void Loaded(ILogger logger, string policy, string files, string hash, string diagnostics);

        [LoggerMessage(EventId = 2002, EventName = "PolicyRejected", Level = LogLevel.Error, Message = "{Files} has {Errors}; the previous version of policy {Policy} (sha256 {Hash}) keeps serving: {FirstErrors}")]
        public static partial void RejectedKeepsOld(ILogger logger, string files, string errors, string policy, string hash, string firstErrors);

        [LoggerMessage(EventId = 2003, EventName = "PolicyNotServed", Level = LogLevel.Error, Message = "{Files} has {Errors} and is not served: {FirstErrors}")]
        public static partial void Rejected(ILogger logger, string files, string errors, string firstErrors);

        [LoggerMessage(EventId = 2004, EventName = "PolicyKeptOld", Level = LogLevel.Error, Message = "Policy {Policy} (sha256 {Hash}) keeps serving: {Reason}")]
        public static partial void KeptOld(ILogger logger, string policy, string hash, string reason);

        [LoggerMessage(EventId = 2005, EventName = "PolicyRemoved", Level = LogLevel.Warning, Message = "Policy {Policy} is no longer served: {Files} no longer hold it")]
        public static partial void PolicyRemoved(ILogger logger, string policy, string files);

        [LoggerMessage(EventId = 2006, EventName = "PolicyDuplicate", Level = LogLevel.Error, Message = "Policy {Policy} in {Files} is not served: a policy of that name is already served from {First}")]
        public static partial void Duplicate(ILogger logger, string policy, string files, string first);

        [LoggerMessage(EventId = 2007, EventName = "PolicyInputError", Level = LogLevel.Error, Message = "{Error}")]
        public static partial void InputError(ILogger logger, string error);

        [LoggerMessage(EventId = 2008, EventName = "PolicyServedAgain", Level = LogLevel.Information, Message = "Serving policy {Policy} from {Files} again (sha256 {Hash}): the errors are fixed")]
        public static partial void ServedAgain(ILogger logger, string policy, string files, string hash);
    }
}
