import { zodResolver } from '@hookform/resolvers/zod';
import {
  useForm,
  useWatch,
  type DefaultValues,
  type FieldValues,
  type Path,
  type PathValue,
} from 'react-hook-form';
import { z } from 'zod';

/**
 * A form schema whose output is the contract's own: the form's fields (text as typed) become a
 * candidate, the contract schema checks it, and every issue of both comes back at once on the
 * form field it concerns (the first segment of its path). `messageOf` turns a contract issue
 * into the user's language.
 */
export function viaContract<Shape extends z.ZodRawShape, C extends z.ZodType>(
  form: z.ZodObject<Shape>,
  contract: C,
  toCandidate: (
    values: z.output<z.ZodObject<Shape>>,
    issue: (field: string, message: string) => void,
  ) => unknown,
  messageOf: (issue: z.core.$ZodIssue) => string = (i) => i.message,
) {
  return form.transform((values, ctx): z.output<C> => {
    let bad = false;
    const issue = (field: string, message: string): void => {
      bad = true;
      ctx.addIssue({ code: 'custom', path: field === '' ? [] : [field], message });
    };
    const candidate = toCandidate(values, issue);
    const checked = contract.safeParse(candidate);
    if (!checked.success)
      for (const i of checked.error.issues) issue(String(i.path[0] ?? ''), messageOf(i));
    return bad || !checked.success ? z.NEVER : checked.data;
  });
}

/**
 * react-hook-form over a schema (Grafana's alerting editors' shape): errors show once the form
 * was submitted and then follow each change. `field(name)` binds one of Keel's controlled
 * fields (top-level names: Keel's forms are flat) (`TextField`, `SelectField`…): its value, its change, and its error — a server error
 * for that field, when given, wins.
 */
export function useSchemaForm<In extends FieldValues, Out>(
  schema: z.ZodType<Out, In>,
  defaultValues: DefaultValues<In>,
) {
  const form = useForm<In, unknown, Out>({
    resolver: zodResolver(schema as never) as never,
    defaultValues,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const { isSubmitted, errors } = form.formState;
  // The whole (flat) form, re-rendering on each change: the fields are controlled.
  const values = useWatch({ control: form.control }) as In;
  const field = <N extends Path<In>>(name: N, serverError?: string) => ({
    value: values[name] as PathValue<In, N>,
    onChange: (v: PathValue<In, N>) =>
      form.setValue(name, v, { shouldValidate: isSubmitted, shouldDirty: true, shouldTouch: true }),
    error: serverError ?? (errors[name]?.message as string | undefined),
  });
  return { form, field };
}
