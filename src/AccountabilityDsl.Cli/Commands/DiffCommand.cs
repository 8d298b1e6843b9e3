using System.Collections.Immutable;
using System.Diagnostics;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Diff;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;
using AccountabilityDsl.Workspace;

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
          <old> <new>        The two versions, each a policy file or a folder of .owner
                             files. Policies are paired by the name in their header, however
                             the files are named or split; a policy only one version has is
                             added or removed.
          --git <rev>        Compare the working tree's .owner files (under the given files
                             or folders, default '.') with those at git revision <rev> (a
                             commit, branch or tag).

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
        CommandArguments arguments = ArgumentReader.ReadPathsAndValues(args, Name,
            new ValueOption("--format", "text, markdown or json"),
            new ValueOption("--git", "a git revision such as main or HEAD~1"));
        DiffFormat chosen = ArgumentReader.Choice(arguments["--format"] is "md" ? "markdown" : arguments["--format"] ?? "text", "format", Name, ["text", "markdown", "json"]) switch
        {
            "markdown" => DiffFormat.Markdown,
            "json" => DiffFormat.Json,
            _ => DiffFormat.Text,
        };
        string? revision = arguments["--git"];
        List<string> paths = [.. arguments.Paths];

        Versions? versions = revision is null ? OpenPaths(paths, context) : OpenGit(revision, paths, context);
        if (versions is null)
        {
            return ExitCodes.BadUsageOrInput;
        }

        PolicyInputs.WriteConfigurationProblems(versions.New, context);
        // The versions compile independently: on two cores, side by side.
        Task<ImmutableArray<PolicyCompilation>> before = Task.Run(() => versions.Old.Compile());
        ImmutableArray<PolicyCompilation> after = versions.New.Compile();
        var results = new List<ComparedPolicy>();
        foreach (PolicyVersions policy in PolicyPairing.Pair(before.Result, after, versions.FileKey))
        {
            results.Add(new ComparedPolicy(policy.Name, FilesOf(policy.Old), FilesOf(policy.New),
                policy is { Old: { } old, New: { } now } ? PolicyDiffer.Compare(old, now) : null));
        }

        context.Out.Write(DiffWriter.Write(results, chosen));
        return results.Any(r => r.AddsErrors) ? ExitCodes.ErrorsReported : ExitCodes.Success;
    }

    private static ImmutableArray<string> FilesOf(PolicyCompilation? policy) =>
        policy is null ? [] : [.. policy.SyntaxTrees.Select(t => t.FilePath)];

    /// <summary>
    /// The two versions, each read through the workspace (the files of a policy compile
    /// together), and the key that pairs a file without a policy header across them: its path
    /// relative to the folder or revision compared.
    /// </summary>
    private sealed record Versions(PolicyWorkspace Old, PolicyWorkspace New, Func<SyntaxTree, string> FileKey);

    /// <summary><c>ownerc diff &lt;old&gt; &lt;new&gt;</c>: two files, two folders, or a file and a folder.</summary>
    private static Versions? OpenPaths(List<string> paths, CommandContext context)
    {
        if (paths.Count != 2)
        {
            throw new UsageException(
                paths.Count < 2 ? "'ownerc diff' needs the old and the new version" : $"'ownerc diff' compares two versions, not {paths.Count}",
                "usage: " + Usage);
        }

        PolicyWorkspace? old = PolicyInputs.OpenAll([paths[0]], context);
        PolicyWorkspace? now = PolicyInputs.OpenAll([paths[1]], context);
        if (old is null || now is null)
        {
            return null;
        }

        // A file's key is its path relative to the folder compared (or to its own folder).
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((PolicyWorkspace side, string path) in new[] { (old, paths[0]), (now, paths[1]) })
        {
            string root = FolderOf(path, context);
            foreach (PolicyDocument document in side.Documents)
            {
                keys.TryAdd(document.Input.DisplayPath, Path.GetRelativePath(root, document.Input.FullPath).Replace('\\', '/'));
            }
        }

        return new Versions(old, now, tree => keys[tree.FilePath]);
    }

    /// <summary>The folder a compared path's files are relative to: the folder itself, or a file's folder.</summary>
    private static string FolderOf(string path, CommandContext context)
    {
        string full = Path.GetFullPath(path, context.CurrentDirectory);
        return Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
    }

    /// <summary>The working tree's policies under <paramref name="paths"/>, and the same files at <paramref name="revision"/>.</summary>
    private static Versions? OpenGit(string revision, List<string> paths, CommandContext context)
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

        // The working tree: a path the revision has and the working tree no longer does is a
        // warning (its policies are removed), not a reason to stop.
        InputSet inputs = InputCollector.Collect(paths, context.CurrentDirectory);
        foreach (string error in inputs.Errors)
        {
            context.WriteWarning(error);
        }

        // Shown relative to the current folder, without the "./" a default "." would add.
        PolicyWorkspace working = PolicyWorkspace.FromFiles(inputs.Files.Select(f =>
            new PolicyInput(Path.GetRelativePath(context.CurrentDirectory, f.FullPath).Replace('\\', '/'), f.FullPath)));
        foreach (string error in working.InputErrors)
        {
            context.WriteError(error);
        }

        if (working.HasInputErrors)
        {
            return null;
        }

        var pathspecs = paths.Select(p => Path.GetRelativePath(root, Path.GetFullPath(p, context.CurrentDirectory)).Replace('\\', '/'));
        var atRevision = new List<(SourceText, string)>();
        if (Git(root, ["ls-tree", "-r", "--name-only", revision, "--", .. pathspecs]) is { ExitCode: 0 } listed)
        {
            foreach (string relative in listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p.EndsWith(InputCollector.Extension, StringComparison.Ordinal)))
            {
                if (Git(root, ["show", $"{revision}:{relative}"]) is { ExitCode: 0 } shown)
                {
                    atRevision.Add((SourceText.From(shown.Output, $"{revision}:{relative}"), Path.Combine(root, relative)));
                }
            }
        }

        if (atRevision.Count == 0 && working.Documents.IsEmpty)
        {
            throw new UsageException($"no {InputCollector.Extension} files under {string.Join(", ", paths.Select(p => $"'{p}'"))} in the working tree or at {revision}");
        }

        PolicyWorkspace old = PolicyWorkspace.FromTexts(atRevision, context.CurrentDirectory);
        string prefix = revision + ":";
        return new Versions(old, working, tree => tree.FilePath.StartsWith(prefix, StringComparison.Ordinal)
            ? tree.FilePath[prefix.Length..]
            : Path.GetRelativePath(root, Path.GetFullPath(tree.FilePath, context.CurrentDirectory)).Replace('\\', '/'));
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
}
