/** A form's failure, announced to screen readers the moment it appears. */
export function FormError(props: { message: string | null }) {
  if (!props.message) return null;
  return (
    <p className="form-error" role="alert">
      {props.message}
    </p>
  );
}
