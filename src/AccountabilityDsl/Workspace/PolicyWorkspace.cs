using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Workspace;

/// <summary>
/// The one way every host turns paths into compilations: collect the inputs (files, folders
/// searched for <c>*.owner</c>), read each safely (<see cref="PolicyFileReader"/>), read the
/// <c>.editorconfig</c> severities that apply to each (<see cref="EditorConfigSeverities"/>), then
/// group the files by the policy their header names and compile each group as one policy
/// (<see cref="Compile"/>). Immutable once opened; compiling is thread-safe.
/// <code>
/// PolicyWorkspace workspace = PolicyWorkspace.Open(["policies/"], Environment.CurrentDirectory);
/// foreach (string error in workspace.InputErrors) Console.Error.WriteLine(error);
/// foreach (PolicyCompilation policy in workspace.Compile(CompilationOptions.Default with { WarningsAsErrors = true }))
///     ... policy.Diagnostics, CSharpEmitter.Emit(policy), AccountabilityMatrix.Build(policy) ...
/// </code>
/// </summary>
public sealed class PolicyWorkspace
{
    private readonly ImmutableDictionary<string, ImmutableDictionary<string, DiagnosticSeverity>> _severities;

    private PolicyWorkspace(
        ImmutableArray<PolicyDocument> documents,
        ImmutableArray<string> pathErrors,
        ImmutableDictionary<string, ImmutableDictionary<string, DiagnosticSeverity>> severities,
        ImmutableArray<Diagnostic> configurationDiagnostics)
    {
        Documents = documents;
        InputErrors = [.. pathErrors, .. documents.Where(d => !d.WasRead).Select(d => d.ReadError!)];
        _severities = severities;
        ConfigurationDiagnostics = configurationDiagnostics;
    }

    /// <summary>Every input file, sorted by display path: read (with its text) or not (with the reason).</summary>
    public ImmutableArray<PolicyDocument> Documents { get; }

    /// <summary>
    /// Every input problem, one line each, in the shared wording (<see cref="WorkspaceMessages"/>):
    /// paths that name nothing usable, then files that could not be read. A host reports them
    /// and exits with its "unreadable input" code (2 for <c>ownerc</c>).
    /// </summary>
    public ImmutableArray<string> InputErrors { get; }

    public bool HasInputErrors => !InputErrors.IsEmpty;

    /// <summary>Problems in the <c>.editorconfig</c> files read (OWN0009), at their lines there.</summary>
    public ImmutableArray<Diagnostic> ConfigurationDiagnostics { get; }

    /// <summary>Collects <paramref name="paths"/> (files or folders, relative to <paramref name="currentDirectory"/>) and reads them.</summary>
    public static PolicyWorkspace Open(IEnumerable<string> paths, string currentDirectory)
    {
        InputSet inputs = InputCollector.Collect(paths, currentDirectory);
        return Read(inputs.Files, inputs.Errors, new EditorConfigSeverities(currentDirectory));
    }

    /// <summary>
    /// Reads files a host has already listed (the MSBuild task's items), without searching
    /// folders. Paths in <c>.editorconfig</c> diagnostics are full paths, as MSBuild shows them.
    /// </summary>
    public static PolicyWorkspace FromFiles(IEnumerable<PolicyInput> files) => Read([.. files], [], new EditorConfigSeverities());

    /// <summary>
    /// Texts a host holds rather than reads (a file's version at a git revision, for
    /// <c>ownerc diff --git</c>): each text's <see cref="PolicyInput.DisplayPath"/> is its
    /// <see cref="SourceText.FilePath"/>, and the <c>.editorconfig</c> that applies is that of
    /// <see cref="PolicyInput.FullPath"/> (where the file is in the working tree).
    /// </summary>
    public static PolicyWorkspace FromTexts(IEnumerable<(SourceText Text, string ConfigurationPath)> texts, string currentDirectory)
    {
        var configuration = new EditorConfigSeverities(currentDirectory);
        var documents = new List<PolicyDocument>();
        var byFile = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, DiagnosticSeverity>>(StringComparer.Ordinal);
        foreach ((SourceText text, string configurationPath) in texts)
        {
            documents.Add(new PolicyDocument(new PolicyInput(text.FilePath, configurationPath), text, null));
            try
            {
                if (configuration.OverridesFor(configurationPath) is { Count: > 0 } severities)
                {
                    byFile[text.FilePath] = severities;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                documents[^1] = documents[^1] with { Source = null, ReadError = $"cannot read the .editorconfig settings for '{text.FilePath}': {WorkspaceMessages.Describe(e)}" };
            }
        }

        documents.Sort((a, b) => string.CompareOrdinal(a.Input.DisplayPath, b.Input.DisplayPath));
        return new PolicyWorkspace([.. documents], [], byFile.ToImmutable(), configuration.Diagnostics);
    }

    private static PolicyWorkspace Read(IReadOnlyList<PolicyInput> files, IReadOnlyList<string> pathErrors, EditorConfigSeverities configuration)
    {
        var documents = new PolicyDocument[files.Count];
        var severities = new ImmutableDictionary<string, DiagnosticSeverity>?[files.Count];
        // Each file lands in its own slot, so order never depends on which thread finished first.
        ForEachIndex(files.Count, i =>
        {
            // A listed file that does not exist gets the words a missing command-line path gets.
            PolicyDocument document = File.Exists(files[i].FullPath) || Directory.Exists(files[i].FullPath)
                ? PolicyFileReader.Read(files[i])
                : new PolicyDocument(files[i], null, WorkspaceMessages.NotFound(files[i].DisplayPath));
            if (document.WasRead)
            {
                try
                {
                    severities[i] = configuration.OverridesFor(files[i].FullPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
                {
                    document = document with { Source = null, ReadError = $"cannot read the .editorconfig settings for '{files[i].DisplayPath}': {WorkspaceMessages.Describe(e)}" };
                }
            }

            documents[i] = document;
        });

        var byFile = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, DiagnosticSeverity>>(StringComparer.Ordinal);
        for (int i = 0; i < documents.Length; i++)
        {
            if (documents[i].Source is { } source && severities[i] is { Count: > 0 } fileSeverities)
            {
                byFile[source.FilePath] = fileSeverities;
            }
        }

        return new PolicyWorkspace([.. documents], [.. pathErrors], byFile.ToImmutable(), configuration.Diagnostics);
    }

    /// <summary><paramref name="options"/> with the <c>.editorconfig</c> severities of every file read.</summary>
    public CompilationOptions WithConfiguration(CompilationOptions? options = null)
    {
        options ??= CompilationOptions.Default;
        return options with { FileSeverities = options.FileSeverities.SetItems(_severities) };
    }

    /// <summary>
    /// Compiles the files that were read, one compilation per policy: files whose headers name the
    /// same policy form one compilation (in path order), a file without a header is compiled on
    /// its own. Compilations come in the order of their first file. The <c>.editorconfig</c>
    /// severities are added to <paramref name="options"/>.
    /// </summary>
    public ImmutableArray<PolicyCompilation> Compile(CompilationOptions? options = null)
    {
        CompilationOptions effective = WithConfiguration(options);
        ImmutableArray<PolicyDocument> read = [.. Documents.Where(d => d.WasRead)];
        var trees = new SyntaxTree[read.Length];
        ForEachIndex(read.Length, i => trees[i] = SyntaxTree.Parse(read[i].Source!));

        List<List<SyntaxTree>> groups = GroupByPolicy(trees);
        var compilations = new PolicyCompilation[groups.Count];
        ForEachIndex(groups.Count, i =>
        {
            PolicyCompilation compilation = PolicyCompilation.Create(groups[i], effective);
            _ = compilation.Diagnostics; // analyse now, on this thread
            compilations[i] = compilation;
        });

        return [.. compilations];
    }

    /// <summary>
    /// Runs <paramref name="body"/> for 0..<paramref name="count"/>-1, in parallel when there is
    /// more than one. One file (the common <c>ownerc check policy.owner</c>) runs on this thread:
    /// starting the thread pool and the parallel loop costs more than the check itself.
    /// </summary>
    private static void ForEachIndex(int count, Action<int> body)
    {
        if (count == 1)
        {
            body(0);
        }
        else if (count > 1)
        {
            InParallel(count, body);
        }
    }

    // Apart, so that a one-file run never loads the parallel library.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InParallel(int count, Action<int> body) =>
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, body);

    /// <summary>Trees grouped by the policy their header names, in first-appearance order; a tree without a name stands alone.</summary>
    public static List<List<SyntaxTree>> GroupByPolicy(IEnumerable<SyntaxTree> trees)
    {
        var groups = new List<List<SyntaxTree>>();
        var byName = new Dictionary<string, List<SyntaxTree>>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in trees)
        {
            if (tree.PolicyName is { } name && byName.TryGetValue(name, out List<SyntaxTree>? group))
            {
                group.Add(tree);
                continue;
            }

            group = [tree];
            groups.Add(group);
            if (tree.PolicyName is { } newName)
            {
                byName[newName] = group;
            }
        }

        return groups;
    }

    /// <summary>
    /// The effective severity of a configuration diagnostic under <paramref name="options"/>
    /// (<c>NoWarn</c>, warnings as errors), or null when it is not reported.
    /// </summary>
    public ImmutableArray<Diagnostic> ConfigurationDiagnosticsUnder(CompilationOptions options) =>
        [.. ConfigurationDiagnostics.Select(d => options.EffectiveSeverity(d) is { } severity ? d.WithSeverity(severity) : null).OfType<Diagnostic>()];
}
