using System.Text;
using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Workspace;
using AccountabilityDsl.Cli.Output;
using AccountabilityDsl.Formatting;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc fmt &lt;files or folders&gt;... [--check]</c>: rewrites policies in the canonical
/// layout (docs/formatting.md). A file is written only when its text changes, through a
/// temporary file in the same folder that then replaces it, so a failed write never leaves a
/// half-written policy. Files with syntax errors are reported and left as they are. With
/// <c>--check</c> nothing is written: the files that are not formatted are listed.
/// </summary>
public sealed class FormatCommand : ICommand
{
    private static readonly string[] OptionNames = ["--check", "--help"];

    private const string Usage = "ownerc fmt <files or folders>... [--check]";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Action<string, string> _replace;

    public FormatCommand()
        : this((source, destination) => File.Move(source, destination, overwrite: true))
    {
    }

    /// <summary>For tests: how the temporary file replaces the policy (a failure must leave the policy intact).</summary>
    internal FormatCommand(Action<string, string> replace) => _replace = replace;

    public string Name => "fmt";

    public string Summary => "Rewrite policies in the canonical layout, keeping every comment.";

    public string Help => """
        Usage: ownerc fmt <files or folders>... [--check]

        Rewrites .owner policies in the canonical layout: one declaration per line, single
        spaces, accountable/responsible/consulted/informed tables aligned, offer clauses in
        the order at, via, min cell, priority, approved by, and offers longer than 100 columns
        wrapped. Every comment is kept, blank lines between declarations are kept (several
        become one), and so is the file's line ending. The rules are in docs/formatting.md.

        A file is rewritten only when its layout changes, and atomically: the new text goes to
        a temporary file in the same folder that then replaces the policy, so a failed write
        leaves the policy as it was. Files with syntax errors are reported and left untouched.
        Nothing is printed when all goes well.

        Arguments:
          <files or folders>  Policy files, or folders to search recursively for *.owner files
                              (symbolic links to folders and hidden folders are not followed).

        Options:
          --check             Write nothing; print 'path: not formatted' for every file whose
                              layout would change, and exit 1 if there is one (for CI).
          -h, --help          Show this help.

        Exit codes:
          0  every file is formatted (or has just been rewritten)
          1  a file has syntax errors (it was left untouched), or with --check, a file is not
             formatted
          2  bad usage, or a file or folder that could not be read or written

        Examples:
          ownerc fmt policies/
          ownerc fmt retail-bank.owner
          ownerc fmt . --check

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        var paths = new List<string>();
        bool check = false;
        var reader = new ArgumentReader(args, "fmt", OptionNames);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    paths.Add(arg.Name);
                    break;
                case { Name: "--check" }:
                    ArgumentReader.NoValue(arg);
                    check = true;
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (paths.Count == 0)
        {
            throw new UsageException("no files or folders to format; usage: " + Usage);
        }

        // Read as every command reads: a FIFO, a device or an over-size file is refused, not waited on.
        PolicyWorkspace workspace = PolicyWorkspace.Open(paths, context.CurrentDirectory);
        bool inputFailed = workspace.HasInputErrors;
        foreach (string error in workspace.InputErrors)
        {
            context.WriteError(error);
        }

        bool syntaxErrors = false;
        bool unformatted = false;
        foreach (PolicyDocument document in workspace.Documents.Where(d => d.WasRead))
        {
            switch (FormatOne(document.Input, document.Source!, check, context))
            {
                case Outcome.SyntaxErrors:
                    syntaxErrors = true;
                    break;
                case Outcome.NotFormatted:
                    unformatted = true;
                    break;
                case Outcome.Failed:
                    inputFailed = true;
                    break;
            }
        }

        return inputFailed ? ExitCodes.BadUsageOrInput
            : syntaxErrors || unformatted ? ExitCodes.ErrorsReported
            : ExitCodes.Success;
    }

    private enum Outcome { Formatted, NotFormatted, SyntaxErrors, Failed }

    private Outcome FormatOne(PolicyInput input, SourceText source, bool check, CommandContext context)
    {
        FormattingResult result = PolicyFormatter.Format(source);
        if (!result.Success)
        {
            // The diagnostics as 'ownerc check' prints them, on standard error: standard output
            // is only the --check list.
            var report = new CheckReport([new CheckedFile(input, source, result.Diagnostics, null)], context.CurrentDirectory);
            new TextFormatter(useColor: false).Write(report, context.Error);
            context.WriteError($"'{input.DisplayPath}' has syntax errors; it was not formatted");
            return Outcome.SyntaxErrors;
        }

        if (!result.Changed)
        {
            return Outcome.Formatted;
        }

        if (check)
        {
            context.Out.WriteLine($"{input.DisplayPath}: not formatted");
            return Outcome.NotFormatted;
        }

        byte[] formatted = [.. (source.HasByteOrderMark ? Encoding.UTF8.GetPreamble() : []), .. Utf8NoBom.GetBytes(result.FormattedText!)];
        try
        {
            WriteAtomically(input.FullPath, formatted);
            return Outcome.Formatted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            context.WriteError(WorkspaceMessages.CannotWrite(input.DisplayPath, e) + "; the file was left as it was");
            return Outcome.Failed;
        }
    }

    /// <summary>
    /// Writes to a new temporary file next to the target (same folder, so the same file
    /// system), flushes it to disk, gives it the target's permissions, and moves it over the
    /// target. Until the move the target is untouched; if anything fails the temporary file is
    /// deleted. A symbolic link is followed: the file it points to is rewritten.
    /// </summary>
    private void WriteAtomically(string path, byte[] contents)
    {
        if (new FileInfo(path).LinkTarget is not null && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            path = target.FullName;
        }

        if ((File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
        {
            throw new IOException("the file is read-only");
        }

        string folder = Path.GetDirectoryName(path)!;
        string temporary = Path.Combine(folder, $".ownerc-fmt-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }

            _replace(temporary, path);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
