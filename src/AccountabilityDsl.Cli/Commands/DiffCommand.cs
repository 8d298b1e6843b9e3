using System.Diagnostics;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Workspace;
using AccountabilityDsl.Diff;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc diff &lt;old&gt; &lt;new&gt;</c> or <c>ownerc diff --git &lt;rev&gt; [paths]</c>: what a change
/// to a policy changes for customers, offers and limits (see docs/diff.md).
/// </summary>
public sealed class DiffCommand : ICommand
{
    private const string Usage = "ownerc diff <old> <new> [--format text|markdown|json] | ownerc diff --git <rev> [<files or folders>…]";

    public string Name => "diff";

    public string Summary => "Show which customers, offers and limits a change to a policy affects.";

    public string Help => """
        Usage: ownerc diff <old> <new> [--format text|markdown|json]
               ownerc diff --git <rev> [<files or folders>…] [--format text|markdown|json]

        Compares two versions of a policy by what they decide, not by their text: for each
        stage, the customers whose accountable owner changes (an exact region, a witness
        customer, and the declarations responsible in both versions), new and removed
        vacuums and conflicts, offers whose reach or approvals change, limits, capacities
        and cool-downs loosened or tightened, and findings of 'ownerc check' that appear or
        go. Declarations are matched by name: a reordered or reformatted policy is "no change".

        Arguments:
          <old> <new>        Two policy files, or two folders (their .owner files are paired
                             by path relative to the folder).
          --git <rev>        Compare the working tree's .owner files (under the given files
                             or folders, default '.') with the same files at git revision
                             <rev> (a commit, branch or tag).

        Options:
          --format <format>  text (default), markdown (for a pull-request comment) or json.
          -h, --help         Show this help.

        Exit codes:
          0  compared; the new version adds no error
          1  the new version adds errors: a new vacuum or conflict, or a new error finding
          2  bad usage, or a file, folder or revision that could not be read

        Examples:
          ownerc diff old/retail-bank.owner retail-bank.owner
          ownerc diff --git main samples/ --format markdown

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        if (ArgumentReader.WantsHelp(args))
        {
            context.Out.Write(Help);
            return ExitCodes.Success;
        }

        var paths = new List<string>();
        string? format = null;
        string? revision = null;
        var reader = new ArgumentReader(args, "diff", ["--format", "--git", "--help"]);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    paths.Add(arg.Name);
                    break;
                case { Name: "--format" }:
                    format = reader.ValueOfOnce(arg, format, "text, markdown or json");
                    break;
                case { Name: "--git" }:
                    revision = reader.ValueOfOnce(arg, revision, "a git revision such as main or HEAD~1");
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        DiffFormat chosen = format switch
        {
            null or "text" => DiffFormat.Text,
            "markdown" or "md" => DiffFormat.Markdown,
            "json" => DiffFormat.Json,
            _ => throw new UsageException(
                $"unknown format '{format}' for 'ownerc diff'; use text, markdown or json"
                + (SpellingSuggestion.Closest(format, ["text", "markdown", "json"]) is { } closest ? $" (did you mean '{closest}'?)" : "")),
        };

        IReadOnlyList<VersionPair> pairs = revision is null ? Pair(paths, context) : GitPairs(revision, paths, context);
        var configuration = new EditorConfigSeverities();
        var results = new List<FileDiff>(pairs.Count);
        foreach (VersionPair pair in pairs)
        {
            if (pair.Old is null || pair.New is null)
            {
                results.Add(new FileDiff(pair.Old?.FilePath, pair.New?.FilePath, null));
                continue;
            }

            var severities = configuration.ForFile(pair.ConfigurationPath);
            // The versions compile independently: on two cores, side by side.
            Task<PolicyCompilation> before = Task.Run(() => Compile(pair.Old, severities));
            PolicyCompilation after = Compile(pair.New, severities);
            PolicyDiff diff = PolicyDiffer.Compare(before.Result, after);
            results.Add(new FileDiff(pair.Old.FilePath, pair.New.FilePath, diff));
        }

        context.Out.Write(DiffWriter.Write(results, chosen));
        return results.Any(r => r.AddsErrors) ? ExitCodes.ErrorsReported : ExitCodes.Success;
    }

    /// <summary>The one place diff compiles a version (the host's workspace replaces this seam).</summary>
    private static PolicyCompilation Compile(SourceText source, IReadOnlyDictionary<string, Diagnostics.DiagnosticSeverity> severities) =>
        PolicyCompilation.Create(source, severities);

    /// <summary>Two versions of one file; null for a side that does not have it.</summary>
    private sealed record VersionPair(SourceText? Old, SourceText? New, string ConfigurationPath);

    private static IReadOnlyList<VersionPair> Pair(List<string> paths, CommandContext context)
    {
        if (paths.Count != 2)
        {
            throw new UsageException(
                paths.Count < 2 ? "'ownerc diff' needs the old and the new version" : $"'ownerc diff' compares two versions, not {paths.Count}",
                "usage: " + Usage);
        }

        string oldFull = FullPath(paths[0], context);
        string newFull = FullPath(paths[1], context);
        bool oldFolder = Directory.Exists(oldFull);
        bool newFolder = Directory.Exists(newFull);
        foreach ((string path, string full, bool folder) in new[] { (paths[0], oldFull, oldFolder), (paths[1], newFull, newFolder) })
        {
            if (!folder && !File.Exists(full))
            {
                throw new UsageException($"no such file or folder: '{path}'");
            }
        }

        if (oldFolder != newFolder)
        {
            throw new UsageException($"'{(oldFolder ? paths[0] : paths[1])}' is a folder and '{(oldFolder ? paths[1] : paths[0])}' is a file; compare two files or two folders");
        }

        if (!oldFolder)
        {
            return [new VersionPair(Read(paths[0], oldFull), Read(paths[1], newFull), newFull)];
        }

        Dictionary<string, PolicyInput> oldFiles = Collect(paths[0], oldFull, context);
        Dictionary<string, PolicyInput> newFiles = Collect(paths[1], newFull, context);
        var pairs = new List<VersionPair>();
        foreach (string relative in oldFiles.Keys.Union(newFiles.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            PolicyInput? before = oldFiles.GetValueOrDefault(relative);
            PolicyInput? after = newFiles.GetValueOrDefault(relative);
            pairs.Add(new VersionPair(
                before is null ? null : Read(before.DisplayPath, before.FullPath),
                after is null ? null : Read(after.DisplayPath, after.FullPath),
                (after ?? before)!.FullPath));
        }

        return pairs;
    }

    private static Dictionary<string, PolicyInput> Collect(string display, string full, CommandContext context)
    {
        InputSet inputs = InputCollector.Collect([display], context.CurrentDirectory);
        if (inputs.Errors.Count > 0 && inputs.Files.Count == 0)
        {
            throw new UsageException(inputs.Errors[0]);
        }

        foreach (string error in inputs.Errors)
        {
            context.WriteWarning(error);
        }

        return inputs.Files.ToDictionary(f => Path.GetRelativePath(full, f.FullPath).Replace('\\', '/'));
    }

    private static SourceText Read(string display, string full)
    {
        try
        {
            return SourceText.FromBytes(PolicyFileReader.ReadAllBytes(full), display);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new UsageException(WorkspaceMessages.CannotRead(display, e));
        }
    }

    /// <summary>The working tree's policies under <paramref name="paths"/>, each with its version at <paramref name="revision"/>.</summary>
    private static IReadOnlyList<VersionPair> GitPairs(string revision, List<string> paths, CommandContext context)
    {
        if (paths.Count == 0)
        {
            paths.Add(".");
        }

        if (Git(context.CurrentDirectory, ["rev-parse", "--show-toplevel"]) is not { ExitCode: 0 } top)
        {
            throw new UsageException("--git needs a git repository, and the current folder is not in one");
        }

        string root = top.Output.Trim();
        if (revision.StartsWith('-') || Git(root, ["rev-parse", "--verify", "--quiet", revision + "^{commit}"]) is not { ExitCode: 0 })
        {
            throw new UsageException($"'{revision}' is not a git revision of this repository", "name a commit, branch or tag, such as main or HEAD~1");
        }

        InputSet inputs = InputCollector.Collect(paths, context.CurrentDirectory);
        foreach (string error in inputs.Errors)
        {
            context.WriteWarning(error);
        }

        var working = inputs.Files.ToDictionary(f => Path.GetRelativePath(root, f.FullPath).Replace('\\', '/'));

        // Policies the revision has and the working tree no longer does are removed.
        var inRevision = new HashSet<string>(StringComparer.Ordinal);
        var pathspecs = paths.Select(p => Path.GetRelativePath(root, Path.GetFullPath(p, context.CurrentDirectory)).Replace('\\', '/'));
        if (Git(root, ["ls-tree", "-r", "--name-only", revision, "--", .. pathspecs]) is { ExitCode: 0 } listed)
        {
            inRevision.UnionWith(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p.EndsWith(InputCollector.Extension, StringComparison.Ordinal)));
        }

        var pairs = new List<VersionPair>();
        foreach (string relative in working.Keys.Union(inRevision).OrderBy(k => k, StringComparer.Ordinal))
        {
            SourceText? before = null;
            if (inRevision.Contains(relative) && Git(root, ["show", $"{revision}:{relative}"]) is { ExitCode: 0 } shown)
            {
                before = SourceText.From(shown.Output, $"{revision}:{relative}");
            }

            // Shown relative to the current folder, without the "./" a default "." would add.
            SourceText? after = working.TryGetValue(relative, out PolicyInput? input)
                ? Read(Path.GetRelativePath(context.CurrentDirectory, input.FullPath).Replace('\\', '/'), input.FullPath)
                : null;
            pairs.Add(new VersionPair(before, after, input?.FullPath ?? Path.Combine(root, relative)));
        }

        if (pairs.Count == 0)
        {
            throw new UsageException($"no {InputCollector.Extension} files under {string.Join(", ", paths.Select(p => $"'{p}'"))} in the working tree or at {revision}");
        }

        return pairs;
    }

    private sealed record GitResult(int ExitCode, string Output);

    private static GitResult? Git(string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = error.Result;
            return new GitResult(process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("--git needs the 'git' program, and it was not found on the PATH");
        }
    }

    private static string FullPath(string path, CommandContext context)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException("an empty path names no file or folder");
        }

        try
        {
            return Path.GetFullPath(path, context.CurrentDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"'{path}' is not a valid path");
        }
    }
}
