using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// What the server knows: the open documents (the editor's text wins over the disk) and the
/// other policy files of the workspace folders. Files whose headers name the same policy are
/// one policy, compiled together as <c>ownerc check</c> compiles them. Documents are immutable
/// snapshots replaced on each change; a policy's compilation is made at most once per set of
/// snapshots, on first use, by whoever asks first (the diagnostics loop or a request).
/// </summary>
internal sealed class ServerWorkspace
{
    private readonly ConcurrentDictionary<string, DocumentState> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DocumentState> _onDisk = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedCompilation> _compilations = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<PolicyCompilation, SymbolIndex> _indexes = new();
    private readonly List<string> _folders = [];

    public ServerWorkspace(CompilerHost host) => Host = host;

    public CompilerHost Host { get; }

    public void AddFolder(string path) => _folders.Add(path);

    public DocumentState Open(string uri, string text, int version) => _open[uri] = DocumentState.FromText(DocumentKey.FromUri(uri), text, version);

    public DocumentState? Change(string uri, int version, IEnumerable<Lsp.TextDocumentContentChangeEvent> changes)
    {
        if (!_open.TryGetValue(uri, out DocumentState? state))
        {
            return null;
        }

        string text = state.Text;
        foreach (Lsp.TextDocumentContentChangeEvent change in changes)
        {
            text = Apply(text, change);
        }

        return _open[uri] = DocumentState.FromText(state.Key, text, version);
    }

    public void Close(string uri)
    {
        _open.TryRemove(uri, out _);
        _onDisk.TryRemove(uri, out _);
    }

    /// <summary>The document as the client sees it: open text first, then the disk.</summary>
    public DocumentState? Get(string uri)
    {
        if (_open.TryGetValue(uri, out DocumentState? open))
        {
            return open;
        }

        if (_onDisk.TryGetValue(uri, out DocumentState? disk))
        {
            return disk;
        }

        DocumentKey key = DocumentKey.FromUri(uri);
        return key.IsFile && CompilerHost.ReadFile(key.Path) is { } source ? _onDisk[uri] = DocumentState.FromSource(key, source) : null;
    }

    /// <summary>Reads (again) the policy files of the workspace folders that are not open.</summary>
    public IReadOnlyList<DocumentState> ScanFolders(CancellationToken cancellation)
    {
        var found = new List<DocumentState>();
        foreach (string folder in _folders)
        {
            foreach (string path in CompilerHost.PolicyFilesUnder(folder))
            {
                cancellation.ThrowIfCancellationRequested();
                DocumentKey key = DocumentKey.FromPath(path);
                if (!_open.ContainsKey(key.Uri) && CompilerHost.ReadFile(path) is { } source)
                {
                    found.Add(_onDisk[key.Uri] = DocumentState.FromSource(key, source));
                }
            }
        }

        return found;
    }

    /// <summary>Every document known: open ones and the workspace files on disk.</summary>
    public IEnumerable<DocumentState> All() => _open.Values.Concat(_onDisk.Where(d => !_open.ContainsKey(d.Key)).Select(d => d.Value));

    /// <summary>A file changed on disk: read it again unless it is open.</summary>
    public void Reload(string uri)
    {
        _onDisk.TryRemove(uri, out _);
        if (!_open.ContainsKey(uri))
        {
            Get(uri);
        }
    }

    /// <summary>The URIs of every document of the policies with these group keys.</summary>
    public IEnumerable<string> UrisOfPolicies(ICollection<string> groupKeys) =>
        All().Where(d => groupKeys.Contains(CompilerHost.GroupKey(d))).Select(d => d.Key.Uri);

    /// <summary>The analysis of a document: the compilation of its whole policy, seen from this document.</summary>
    public DocumentAnalysis Analyze(DocumentState document)
    {
        string groupKey = CompilerHost.GroupKey(document);
        DocumentState[] members = document.Tree.PolicyName is null
            ? [document]
            : [.. All().Where(d => CompilerHost.GroupKey(d) == groupKey).OrderBy(d => d.Key.Path, StringComparer.Ordinal)];
        CachedCompilation cached = _compilations.AddOrUpdate(
            groupKey,
            _ => new CachedCompilation(members, Host),
            (_, existing) => existing.Members.SequenceEqual(members) ? existing : new CachedCompilation(members, Host));
        PolicyCompilation compilation = cached.Compilation.Value;
        return new DocumentAnalysis(document, compilation, _indexes.GetValue(compilation, c => SymbolIndex.Build(c.Policy)));
    }

    /// <summary>Applies one change: a range replacement, or (without a range) the whole new text.</summary>
    public static string Apply(string text, Lsp.TextDocumentContentChangeEvent change)
    {
        if (change.Range is null)
        {
            return change.Text;
        }

        SourceText source = SourceText.From(text);
        int start = DocumentAnalysis.OffsetOf(source, change.Range.Start);
        int end = Math.Max(start, DocumentAnalysis.OffsetOf(source, change.Range.End));
        return new StringBuilder(text.Length - (end - start) + change.Text.Length)
            .Append(text, 0, start).Append(change.Text).Append(text, end, text.Length - end).ToString();
    }

    private sealed class CachedCompilation(DocumentState[] members, CompilerHost host)
    {
        public DocumentState[] Members { get; } = members;

        public Lazy<PolicyCompilation> Compilation { get; } = new(() => host.Compile(members), LazyThreadSafetyMode.ExecutionAndPublication);
    }
}

/// <summary>One version of a document's text, parsed on first use.</summary>
internal sealed class DocumentState
{
    private readonly Lazy<SyntaxTree> _tree;

    private DocumentState(DocumentKey key, SourceText source, int? version)
    {
        Key = key;
        Source = source;
        Version = version;
        _tree = new Lazy<SyntaxTree>(() => SyntaxTree.Parse(source), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static DocumentState FromText(DocumentKey key, string text, int version) => new(key, SourceText.From(text, key.Path), version);

    public static DocumentState FromSource(DocumentKey key, SourceText source) => new(key, source, null);

    public DocumentKey Key { get; }

    public SourceText Source { get; }

    public string Text => Source.Text;

    /// <summary>The editor's version of an open document; null for a file read from disk.</summary>
    public int? Version { get; }

    public SyntaxTree Tree => _tree.Value;
}
