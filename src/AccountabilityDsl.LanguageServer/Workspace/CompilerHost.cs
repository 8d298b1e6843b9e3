using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.LanguageServer.Workspace;

/// <summary>
/// The one place the server meets the compiler's host layer: which files a workspace folder
/// holds and how each is read (as <c>ownerc check</c> lists and reads them), and how the files
/// of one policy become one compilation with the severities their <c>.editorconfig</c> files
/// set. So the server's diagnostics are exactly <c>ownerc check</c>'s.
/// </summary>
internal sealed class CompilerHost
{
    private EditorConfigSeverities _editorConfig = new();

    /// <summary>Compiles the documents of one policy (in path order, as the CLI does) as one compilation.</summary>
    public PolicyCompilation Compile(IReadOnlyList<DocumentState> documents)
    {
        CompilationOptions options = CompilationOptions.Default;
        EditorConfigSeverities configuration = _editorConfig;
        foreach (DocumentState document in documents.Where(d => d.Key.IsFile))
        {
            try
            {
                options = options.WithFileSeverities(document.Source.FilePath, configuration.ForFile(document.Key.Path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                // An unreadable .editorconfig leaves the default severities; `ownerc check` reports it.
            }
        }

        return PolicyCompilation.Create(documents.Select(d => d.Tree), options);
    }

    /// <summary>A policy file on disk as the CLI reads it (never a FIFO, device or folder), or null.</summary>
    public static SourceText? ReadFile(string fullPath) => PolicyFileReader.Read(new PolicyInput(fullPath, fullPath)).Source;

    /// <summary>The full paths of the policy files <c>ownerc check &lt;folder&gt;</c> would check.</summary>
    public static IEnumerable<string> PolicyFilesUnder(string folder) =>
        Directory.Exists(folder) ? PolicyWorkspace.Open([folder], folder).Documents.Select(d => d.Input.FullPath) : [];

    /// <summary>Forgets cached <c>.editorconfig</c> files (one changed on disk).</summary>
    public void ReloadConfiguration() => _editorConfig = new EditorConfigSeverities();

    /// <summary>The trees grouped as policies, as the CLI groups files (by the name in their header).</summary>
    public static string GroupKey(DocumentState document) => document.Tree.PolicyName is { } name ? "policy:" + name : "file:" + document.Key.Uri;
}
