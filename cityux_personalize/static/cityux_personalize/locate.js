/* "Use my location": asks the browser for a position only when the button is pressed, sends it
   once to the server, which keeps only the matching area's name. */
(function () {
  var form = document.querySelector("[data-cityux-locate]");
  if (!form || !("geolocation" in navigator)) return;
  var button = form.querySelector("[data-cityux-locate-button]");
  var status = form.querySelector("[data-cityux-locate-status]");
  form.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.submit();
      },
      function () {
        button.disabled = false;
        status.textContent = "We could not get your location. Please choose your neighbourhood from the list.";
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
})();
