using System.Text;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc explain &lt;file&gt; --customer "a=1,b=2" [--stage S]</c> or
/// <c>ownerc explain &lt;file&gt; --segment S --stage T</c>: who is accountable, and why.
/// </summary>
public sealed class ExplainCommand : ICommand
{
    public string Name => "explain";

    public string Summary => "Show who is accountable for a customer or a segment at a stage, and why.";

    public string Help => """
        Usage: ownerc explain <files>... --customer "name=value,..." [--stage <stage>]
               ownerc explain <files>... --segment <segment> --stage <stage>

        Answers "who is accountable for this customer?" from a policy: the segments the
        customer is in and, for every stage (or only --stage), the accountable owner with the
        declaration that made them so. Vacuums (nobody) and conflicts (several owners) are shown
        as such. With --segment, explains one segment x stage cell and every claim on it.

        <files> is the file of one policy, or the files of one policy made of several files
        (each declaration is shown with its line, and its file when there are several).

        Options:
          --customer <values>  The customer's attribute values, e.g.
                               "assets=750000,tenure_years=2,owns_boat=true,region=North";
                               every attribute needs a value, and segment=<Name> picks the
                               assigned segment where the policy has assigned segments.
          --segment <segment>  A segment of the policy (with --stage).
          --stage <stage>      A stage of the policy's lifecycle.
          -h, --help           Show this help.

        Exit codes:
          0  explained
          1  the policy has syntax or name errors, so there is nothing reliable to explain
             (vacuums and conflicts are explained: that is what explain is for)
          2  bad usage, an unknown segment or stage, a customer that does not fit the policy,
             or a file that could not be read

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        var reader = new ArgumentReader(args, "explain", ["--customer", "--segment", "--stage", "--help"]);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    files.Add(arg.Name);
                    break;
                case { Name: "--customer" or "--segment" or "--stage" }:
                    options[arg.Name] = reader.ValueOf(arg, arg.Name == "--customer" ? "name=value pairs separated by commas" : "a name from the policy");
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (files.Count == 0)
        {
            throw new UsageException("'ownerc explain' needs the file (or the files) of one policy", "ownerc explain retail-bank.owner --customer \"assets=1000,...\"");
        }

        bool byCustomer = options.TryGetValue("--customer", out string? customerText);
        bool bySegment = options.TryGetValue("--segment", out string? segmentName);
        if (byCustomer && bySegment)
        {
            throw new UsageException("give either --customer or --segment, not both: --customer explains one customer, --segment one segment x stage cell");
        }

        if (!byCustomer && !bySegment)
        {
            throw new UsageException("say what to explain: --customer \"name=value,...\", or --segment S --stage T");
        }

        if (PolicyInputs.OnePolicy(files, context, Name, out int exitCode) is not { } compilation)
        {
            return exitCode;
        }

        BoundPolicy policy = compilation.Policy;
        var explainer = new AccountabilityExplainer(compilation.Facts);
        StageSymbol? stage = options.TryGetValue("--stage", out string? stageName) ? Find(policy.Stages, stageName, "stage") : null;
        if (byCustomer)
        {
            CustomerValues customer = explainer.ParseCustomer(customerText!, out string? error)
                ?? throw new UsageException(error!);
            context.Out.Write(explainer.Describe(customer, stage));
            return ExitCodes.Success;
        }

        if (stage is null)
        {
            throw new UsageException("--segment needs --stage too");
        }

        SegmentSymbol segment = Find(policy.Segments, segmentName!, "segment");
        context.Out.Write(explainer.DescribeCell(segment, stage));
        return ExitCodes.Success;
    }

    private static T Find<T>(IEnumerable<T> symbols, string name, string noun)
        where T : Symbol
    {
        var all = symbols.ToList();
        if (all.FirstOrDefault(s => s.Name == name) is { } found)
        {
            return found;
        }

        string? closest = SpellingSuggestion.Closest(name, all.Select(s => s.Name));
        throw new UsageException(closest is null
            ? $"the policy has no {noun} '{name}' ({noun}s: {string.Join(", ", all.Select(s => s.Name))})"
            : $"the policy has no {noun} '{name}'; did you mean '{closest}'?");
    }
}
