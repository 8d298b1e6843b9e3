using System.Collections.Concurrent;
using System.Text;
using AccountabilityDsl.Text;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// What the server knows: the open documents (the editor's text wins over the disk) and the
/// other policy files of the workspace folders (read from disk). Every document is an
/// immutable snapshot replaced on each change; its analysis is computed at most once, on first
/// use, by whoever asks first (the diagnostics loop or a request).
/// </summary>
internal sealed class PolicyWorkspace
{
    private readonly ConcurrentDictionary<string, DocumentState> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DocumentState> _onDisk = new(StringComparer.Ordinal);
    private readonly List<string> _folders = [];

    public PolicyWorkspace(CompilerHost host) => Host = host;

    public CompilerHost Host { get; }

    public IReadOnlyList<string> Folders => _folders;

    public void AddFolder(string path) => _folders.Add(path);

    public DocumentState Open(string uri, string text, int version) => _open[uri] = NewState(DocumentKey.FromUri(uri), text, version);

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

        return _open[uri] = NewState(state.Key, text, version);
    }

    public void Close(string uri)
    {
        _open.TryRemove(uri, out _);
        _onDisk.TryRemove(uri, out _);
    }

    public bool IsOpen(string uri) => _open.ContainsKey(uri);

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
        return key.IsFile && CompilerHost.ReadFile(key.Path) is { } text ? _onDisk[uri] = NewState(key, text, null) : null;
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
                if (_open.ContainsKey(key.Uri))
                {
                    continue;
                }

                if (CompilerHost.ReadFile(path) is { } text)
                {
                    found.Add(_onDisk[key.Uri] = NewState(key, text, null));
                }
            }
        }

        return found;
    }

    /// <summary>Every document known: open ones and the workspace files on disk.</summary>
    public IEnumerable<DocumentState> All() => _open.Values.Concat(_onDisk.Where(d => !_open.ContainsKey(d.Key)).Select(d => d.Value));

    /// <summary>A file changed on disk: read it again unless it is open.</summary>
    public DocumentState? Reload(string uri)
    {
        _onDisk.TryRemove(uri, out _);
        return _open.ContainsKey(uri) ? null : Get(uri);
    }

    private DocumentState NewState(DocumentKey key, string text, int? version) => new(key, text, version, Host);

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
}

/// <summary>One version of a document's text, and its analysis once someone asked for it.</summary>
internal sealed class DocumentState
{
    private readonly Lazy<DocumentAnalysis> _analysis;

    public DocumentState(DocumentKey key, string text, int? version, CompilerHost host)
    {
        Key = key;
        Text = text;
        Version = version;
        _analysis = new Lazy<DocumentAnalysis>(() => host.Analyze(key, text, version), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public DocumentKey Key { get; }

    public string Text { get; }

    public int? Version { get; }

    public DocumentAnalysis Analysis => _analysis.Value;
}
