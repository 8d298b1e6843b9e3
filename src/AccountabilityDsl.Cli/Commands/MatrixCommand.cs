using AccountabilityDsl.Matrix;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc matrix &lt;file&gt; [-o &lt;out&gt;] [--format text|markdown|html]</c>: the segment x
/// stage accountability grid of one policy, vacuums and conflicts highlighted. Vacuums and
/// conflicts are what the grid shows, not failures; only a policy that does not parse or bind
/// is refused.
/// </summary>
public sealed class MatrixCommand : ICommand
{
    private const string Usage = "ownerc matrix <files>... [-o <out>] [--format text|markdown|html]";

    public string Name => "matrix";

    public string Summary => "Show the segment x stage accountability grid, vacuums and conflicts highlighted.";

    public string Help => """
        Usage: ownerc matrix <files>... [-o <out>] [--format text|markdown|html]

        Prints the accountability matrix of one .owner policy: a row per segment, a column per
        stage, and in every cell the accountable owner with the line of the declaration that
        decides it (and its file, for a policy of several files). Problem cells are marked in every format, so they read without colour:

          text  md/html
          !     ⚠      vacuum: some customers of the segment have no owner here (OWN0101)
          X     ✖      conflict: several accountable declarations claim the cell (OWN0102)
          ~     ⇄      overlap conflict: a segment sharing these customers has another
                       owner at this stage (OWN0104)
          -     ○      no owner for the segment, but its customers all have one through
                       another segment (not a vacuum)
          ?     ?      no owner, and the policy is too complex to analyse (OWN0108)

        Responsible, consulted and informed owners are listed as R:, C: and I:.

        Arguments:
          <files>            The file of one policy, or the files of one policy made of
                             several files (or a folder holding them).

        Options:
          -o, --output <out> Write the matrix to this file instead of standard output and
                             print the path written. The format follows the extension
                             (.html/.htm: html, .md: markdown, .txt or none: text; any
                             other extension is refused) unless --format is given.
          --format <format>  text (default; an aligned grid for a terminal), markdown (a
                             GitHub table with a legend) or html (a self-contained page:
                             inline CSS, no scripts, no external resources).
          -h, --help         Show this help.

        Exit codes:
          0  the matrix was written (vacuums and conflicts are shown, not failures)
          1  the policy has syntax or name errors; they are printed and no matrix is written
          2  bad usage, or a file that could not be read or written

        Examples:
          ownerc matrix samples/car-maker.owner
          ownerc matrix samples/car-maker.owner -o car-maker.html
          ownerc matrix samples/retail-bank.owner --format markdown > MATRIX.md

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        (IReadOnlyList<string> files, string? output, MatrixFormat format) = Parse(args);
        if (PolicyInputs.OnePolicy(files, context, Name, out int exitCode) is not { } compilation)
        {
            return exitCode;
        }

        string text = MatrixWriter.Write(AccountabilityMatrix.Build(compilation), format);
        if (output is null)
        {
            context.Out.Write(text);
            return ExitCodes.Success;
        }

        string target = FullPath(output, context.CurrentDirectory, "output file");
        if (Directory.Exists(target))
        {
            context.WriteError($"cannot write '{output}': it is a folder, and -o names the file to write, such as '{Path.Join(output, "matrix.html")}'");
            return ExitCodes.BadUsageOrInput;
        }

        try
        {
            OutputWriter.WriteIfChanged(target, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            context.WriteError(WorkspaceMessages.CannotWrite(output, e));
            return ExitCodes.BadUsageOrInput;
        }

        context.Out.WriteLine(output);
        return ExitCodes.Success;
    }

    private static (IReadOnlyList<string> Files, string? Output, MatrixFormat Format) Parse(IReadOnlyList<string> args)
    {
        CommandArguments arguments = ArgumentReader.ReadPathsAndValues(args, "matrix",
            new ValueOption("--output", "a file such as matrix.html", "-o"),
            new ValueOption("--format", "text, markdown or html"));
        if (arguments.Paths.Count == 0)
        {
            throw new UsageException("no policy file; usage: " + Usage);
        }

        string? output = arguments["--output"];
        MatrixFormat chosen = arguments["--format"] switch
        {
            null => FormatOf(output),
            "md" => MatrixFormat.Markdown,
            string format => ArgumentReader.Choice(format, "format", "matrix", ["text", "markdown", "html"]) switch
            {
                "markdown" => MatrixFormat.Markdown,
                "html" => MatrixFormat.Html,
                _ => MatrixFormat.Text,
            },
        };
        return (arguments.Paths, output, chosen);
    }

    /// <summary>
    /// Without --format, the output file's extension decides; standard output, a file without an
    /// extension and a .txt file are text. Any other extension (x.json, x.csv) names a format the
    /// matrix is not written in: refused, rather than text in a file whose name promises otherwise.
    /// </summary>
    private static MatrixFormat FormatOf(string? output) => Path.GetExtension(output ?? "").ToLowerInvariant() switch
    {
        ".html" or ".htm" => MatrixFormat.Html,
        ".md" or ".markdown" => MatrixFormat.Markdown,
        "" or ".txt" or ".text" => MatrixFormat.Text,
        string extension => throw new UsageException(
            $"'{output}': the matrix is written as text (.txt), markdown (.md) or html (.html), not '{extension}'",
            $"name a .txt, .md or .html file, or give --format to choose the format whatever the name"),
    };

    private static string FullPath(string path, string currentDirectory, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"an empty path names no {what}");
        }

        try
        {
            return Path.GetFullPath(path, currentDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"'{path}' is not a valid path");
        }
    }
}
