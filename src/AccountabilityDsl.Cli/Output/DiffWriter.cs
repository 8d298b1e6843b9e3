using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Diff;

namespace AccountabilityDsl.Cli.Output;

public enum DiffFormat { Text, Markdown, Json }

/// <summary>
/// One policy <c>ownerc diff</c> compared, paired by name across the versions: its files in each
/// version (none in the version that lacks it: added or removed) and what changed.
/// </summary>
public sealed record ComparedPolicy(string Name, ImmutableArray<string> OldFiles, ImmutableArray<string> NewFiles, PolicyDiff? Diff)
{
    public bool IsEmpty => Diff is { IsEmpty: true };

    public bool AddsErrors => Diff?.AddsErrors == true;

    public bool IsAdded => OldFiles.IsEmpty;

    /// <summary>"a.owner", "old/a.owner -> new/a.owner", or "core.owner, boats.owner -> all.owner".</summary>
    public string Heading
    {
        get
        {
            string before = string.Join(", ", OldFiles);
            string after = string.Join(", ", NewFiles);
            return OldFiles.IsEmpty ? after : NewFiles.IsEmpty || before == after ? before : $"{before} -> {after}";
        }
    }
}

/// <summary>Writes the result of <c>ownerc diff</c> as text for a terminal, markdown for a pull-request comment, or JSON.</summary>
public static class DiffWriter
{
    public static string Write(IReadOnlyList<ComparedPolicy> files, DiffFormat format) => format switch
    {
        DiffFormat.Json => Json(files),
        _ => Text(files, format == DiffFormat.Markdown),
    };

    public static string KindDisplay(MoveKind kind) => kind switch
    {
        MoveKind.NewVacuum => "new vacuum",
        MoveKind.NewConflict => "new conflict",
        MoveKind.VacuumFilled => "vacuum filled",
        MoveKind.ConflictResolved => "conflict resolved",
        _ => "owner change",
    };

    private static string KindPlural(MoveKind kind) => kind switch
    {
        MoveKind.NewVacuum => "new vacuums",
        MoveKind.NewConflict => "new conflicts",
        MoveKind.VacuumFilled => "vacuums filled",
        MoveKind.ConflictResolved => "conflicts resolved",
        _ => "owner changes",
    };

    public static string DirectionDisplay(LimitDirection direction) => direction switch
    {
        LimitDirection.Loosened => "loosened",
        LimitDirection.Tightened => "tightened",
        _ => "changed",
    };

    /// <summary>"2 owner changes, 1 new vacuum, 1 offer change", or "no change".</summary>
    public static string Summary(ComparedPolicy file)
    {
        if (file.Diff is not { } diff)
        {
            return file.IsAdded ? "added" : "removed";
        }

        if (diff.IsEmpty)
        {
            return "no change";
        }

        var parts = new List<string>();
        foreach (IGrouping<MoveKind, OwnerMove> kind in diff.Moves.GroupBy(m => m.Kind).OrderBy(g => g.Key))
        {
            parts.Add(Count(kind.Count(), KindDisplay(kind.Key), KindPlural(kind.Key)));
        }

        if (!diff.StagesAdded.IsEmpty || !diff.StagesRemoved.IsEmpty)
        {
            parts.Add(Count(diff.StagesAdded.Length + diff.StagesRemoved.Length, "stage change", "stage changes"));
        }

        if (!diff.Offers.IsEmpty)
        {
            parts.Add(Count(diff.Offers.Length, "offer change", "offer changes"));
        }

        foreach (IGrouping<LimitDirection, LimitChange> direction in diff.Limits.GroupBy(l => l.Direction).OrderBy(g => g.Key))
        {
            parts.Add($"{Count(direction.Count(), "limit", "limits")} {DirectionDisplay(direction.Key)}");
        }

        if (!diff.FindingsAdded.IsEmpty)
        {
            parts.Add(Count(diff.FindingsAdded.Length, "new finding", "new findings"));
        }

        if (!diff.FindingsRemoved.IsEmpty)
        {
            parts.Add(Count(diff.FindingsRemoved.Length, "finding gone", "findings gone"));
        }

        if (!diff.Notes.IsEmpty && parts.Count == 0)
        {
            parts.Add(Count(diff.Notes.Length, "note", "notes"));
        }

        return string.Join(", ", parts);
    }

    private static string Count(int count, string singular, string plural) => $"{count} {(count == 1 ? singular : plural)}";

    private static string Text(IReadOnlyList<ComparedPolicy> files, bool markdown)
    {
        var text = new StringBuilder();
        foreach (ComparedPolicy file in files)
        {
            string heading = file.Heading;
            if (file.Diff is not { } diff || diff.IsEmpty)
            {
                // A policy one version lacks is named: pairing is by name, not by file.
                string named = file.Diff is null ? $" (policy {file.Name})" : "";
                text.Append(markdown ? $"**{Code(heading)}**{named}: {Summary(file)}\n\n" : $"{heading}{named}: {Summary(file)}\n");
                continue;
            }

            text.Append(markdown ? $"### {Code(heading)} (policy {diff.PolicyName})\n\n" : $"{heading} (policy {diff.PolicyName})\n");
            foreach (string note in diff.Notes)
            {
                text.Append(markdown ? $"> {note}\n\n" : $"  note: {note}\n");
            }

            if (!diff.StagesAdded.IsEmpty || !diff.StagesRemoved.IsEmpty)
            {
                Section(text, markdown, "Stages");
                Item(text, markdown, diff.StagesAdded.Select(s => $"added {s}").Concat(diff.StagesRemoved.Select(s => $"removed {s} (its customers are not compared)")));
            }

            if (!diff.Moves.IsEmpty)
            {
                Section(text, markdown, "Accountable owners");
                foreach (OwnerMove move in diff.Moves)
                {
                    WriteMove(text, markdown, move);
                }
            }

            if (!diff.Offers.IsEmpty)
            {
                Section(text, markdown, "Offers");
                foreach (OfferChange offer in diff.Offers)
                {
                    Item(text, markdown, [$"{offer.Offer}: {offer.Change}"]);
                    if (offer.Customers is { } customers)
                    {
                        Detail(text, markdown, "customers", customers);
                        Detail(text, markdown, "for example", offer.Witness!.ToString());
                    }

                    if (offer.Old is { } old && offer.Change != "added")
                    {
                        Detail(text, markdown, "old", Line(old, markdown));
                    }

                    if (offer.New is { } now && offer.Change != "removed")
                    {
                        Detail(text, markdown, "new", Line(now, markdown));
                    }
                }
            }

            if (!diff.Limits.IsEmpty)
            {
                Section(text, markdown, "Limits");
                foreach (LimitChange limit in diff.Limits)
                {
                    Item(text, markdown, [$"{DirectionDisplay(limit.Direction)}: {limit.Subject}: {limit.Before} -> {limit.After}"]);
                    if (limit.Old is { } old)
                    {
                        Detail(text, markdown, "old", Line(old, markdown));
                    }

                    if (limit.New is { } now)
                    {
                        Detail(text, markdown, "new", Line(now, markdown));
                    }
                }
            }

            if (!diff.FindingsAdded.IsEmpty || !diff.FindingsRemoved.IsEmpty)
            {
                Section(text, markdown, "Findings");
                Item(text, markdown, diff.FindingsAdded.Select(d => "new: " + (markdown ? Code(d.ToString()) : d.ToString()))
                    .Concat(diff.FindingsRemoved.Select(d => "gone: " + (markdown ? Code(d.ToString()) : d.ToString()))));
            }

            text.Append(markdown ? $"\n**Summary:** {Summary(file)}\n\n" : $"  summary: {Summary(file)}\n");
        }

        int changed = files.Count(f => !f.IsEmpty);
        bool addsErrors = files.Any(f => f.AddsErrors);
        string closing = changed == 0
            ? $"no change ({Count(files.Count, "policy", "policies")} compared)"
            : $"{changed} of {Count(files.Count, "policy", "policies")} changed{(addsErrors ? "; the new version adds errors" : "")}";
        text.Append(markdown ? $"---\n{closing}\n" : closing + "\n");
        return text.ToString();
    }

    private static void WriteMove(StringBuilder text, bool markdown, OwnerMove move)
    {
        Item(text, markdown, [$"at {move.StagesDisplay}: {KindDisplay(move.Kind)}: {move.Before} -> {move.After}"]);
        Detail(text, markdown, "customers", move.Customers);
        Detail(text, markdown, "for example", move.Witness.ToString());
        DetailLines(text, markdown, "old", move.OldDeclarations);
        DetailLines(text, markdown, "new", move.NewDeclarations);
    }

    private static void Section(StringBuilder text, bool markdown, string title)
    {
        if (!markdown)
        {
            text.Append($"  {title.ToLowerInvariant()}:\n");
            return;
        }

        // One blank line before a heading, after a list or after the file's heading alike.
        if (text.Length > 1 && !(text[^1] == '\n' && text[^2] == '\n'))
        {
            text.Append('\n');
        }

        text.Append($"#### {title}\n\n");
    }

    private static void Item(StringBuilder text, bool markdown, IEnumerable<string> items)
    {
        foreach (string item in items)
        {
            text.Append(markdown ? $"- {item}\n" : $"    {item}\n");
        }
    }

    private static void Detail(StringBuilder text, bool markdown, string label, string value) =>
        text.Append(markdown ? $"  - {label}: {(label == "for example" ? Code(value) : value)}\n" : $"      {label}: {value}\n");

    private static void DetailLines(StringBuilder text, bool markdown, string label, ImmutableArray<SourceLine> lines)
    {
        if (lines.IsEmpty)
        {
            Detail(text, markdown, label, "in no segment");
            return;
        }

        if (markdown && lines.Length > 1)
        {
            // A nested list: an indented second line would be a lazy continuation, which Markdown joins
            // to the line before it.
            text.Append($"  - {label}:\n");
            foreach (SourceLine line in lines)
            {
                text.Append($"    - {Line(line, markdown)}\n");
            }

            return;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string value = Line(lines[i], markdown);
            text.Append(markdown ? $"  - {label}: {value}\n"
                : i == 0 ? $"      {label}: {value}\n" : $"{new string(' ', 8 + label.Length)}{value}\n");
        }
    }

    private static string Line(SourceLine line, bool markdown) =>
        markdown ? $"{line.Path}({line.Line}): {Code(line.Text)}" : line.ToString();

    private static string Code(string value) => value.Contains('`') ? $"`` {value} ``" : $"`{value}`";

    private static string Json(IReadOnlyList<ComparedPolicy> files)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, JsonFormatter.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("policies");
            foreach (ComparedPolicy file in files)
            {
                json.WriteStartObject();
                json.WriteString("policy", file.Name);
                Strings(json, "old", file.OldFiles);
                Strings(json, "new", file.NewFiles);
                json.WriteString("status", file.Diff is null ? (file.IsAdded ? "added" : "removed") : file.IsEmpty ? "unchanged" : "changed");
                if (file.Diff is { } diff)
                {
                    WriteDiff(json, diff);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("policies", files.Count);
            json.WriteNumber("changed", files.Count(f => !f.IsEmpty));
            json.WriteBoolean("addsErrors", files.Any(f => f.AddsErrors));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void WriteDiff(Utf8JsonWriter json, PolicyDiff diff)
    {
        Strings(json, "notes", diff.Notes);
        Strings(json, "stagesAdded", diff.StagesAdded);
        Strings(json, "stagesRemoved", diff.StagesRemoved);
        json.WriteStartArray("owners");
        foreach (OwnerMove move in diff.Moves)
        {
            json.WriteStartObject();
            json.WriteString("kind", KindDisplay(move.Kind));
            Strings(json, "stages", move.Stages);
            Ownership(json, "before", move.Before);
            Ownership(json, "after", move.After);
            json.WriteString("customers", move.Customers);
            Witness(json, move.Witness);
            Lines(json, "old", move.OldDeclarations);
            Lines(json, "new", move.NewDeclarations);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("offers");
        foreach (OfferChange offer in diff.Offers)
        {
            json.WriteStartObject();
            json.WriteString("offer", offer.Offer);
            json.WriteString("change", offer.Change);
            if (offer.Customers is { } customers)
            {
                json.WriteString("customers", customers);
                Witness(json, offer.Witness!);
            }

            Line(json, "old", offer.Old);
            Line(json, "new", offer.New);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("limits");
        foreach (LimitChange limit in diff.Limits)
        {
            json.WriteStartObject();
            json.WriteString("subject", limit.Subject);
            json.WriteString("direction", DirectionDisplay(limit.Direction));
            json.WriteString("before", limit.Before);
            json.WriteString("after", limit.After);
            Line(json, "old", limit.Old);
            Line(json, "new", limit.New);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Findings(json, "findingsAdded", diff.FindingsAdded);
        Findings(json, "findingsRemoved", diff.FindingsRemoved);
        json.WriteBoolean("addsErrors", diff.AddsErrors);
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void Ownership(Utf8JsonWriter json, string name, Ownership ownership)
    {
        json.WriteStartObject(name);
        json.WriteString("status", ownership.Status.ToString().ToLowerInvariant());
        Strings(json, "owners", ownership.Owners);
        json.WriteEndObject();
    }

    private static void Witness(Utf8JsonWriter json, Witness witness)
    {
        json.WriteStartObject("witness");
        foreach (KeyValuePair<string, WitnessValue> value in witness.Values)
        {
            if (value.Value.Number is { } number)
            {
                json.WriteNumber(value.Key, number);
            }
            else if (value.Value.Bool is { } flag)
            {
                json.WriteBoolean(value.Key, flag);
            }
            else
            {
                json.WriteString(value.Key, value.Value.Name);
            }
        }

        json.WriteEndObject();
    }

    private static void Lines(Utf8JsonWriter json, string name, ImmutableArray<SourceLine> lines)
    {
        json.WriteStartArray(name);
        foreach (SourceLine line in lines)
        {
            WriteLine(json, line);
        }

        json.WriteEndArray();
    }

    private static void Line(Utf8JsonWriter json, string name, SourceLine? line)
    {
        if (line is null)
        {
            return;
        }

        json.WritePropertyName(name);
        WriteLine(json, line);
    }

    private static void WriteLine(Utf8JsonWriter json, SourceLine line)
    {
        json.WriteStartObject();
        json.WriteString("file", line.Path);
        json.WriteNumber("line", line.Line);
        json.WriteString("text", line.Text);
        json.WriteEndObject();
    }

    private static void Findings(Utf8JsonWriter json, string name, ImmutableArray<Diagnostic> findings)
    {
        json.WriteStartArray(name);
        foreach (Diagnostic d in findings)
        {
            json.WriteStartObject();
            json.WriteString("id", d.Id);
            json.WriteString("severity", d.Severity.ToDisplayString());
            json.WriteString("message", d.Message);
            json.WriteString("file", d.Location.FilePath);
            json.WriteNumber("line", d.Location.LineSpan.Start.Line);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
